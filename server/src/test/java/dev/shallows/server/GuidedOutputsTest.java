package dev.shallows.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guided decoding (vLLM's {@code structured_outputs} regex / choice and the older {@code guided_*}
 * names): every sampled reply matches whole ({@code java.util.regex}) and stops; streamed deltas
 * add up to the same reply.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class GuidedOutputsTest {

  private static final String REGEX = "(Once|One day), [a-z]{2,10} (was|had) [a-z ]{1,16}\\.";

  @Test
  void completionsFollowTheRegex() {
    JsonPath r =
        JsonPath.from(
            StreamingAndChatTest.post(
                "/v1/completions",
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "prompt",
                    "Lily",
                    "max_tokens",
                    60,
                    "n",
                    3,
                    "seed",
                    4,
                    "structured_outputs",
                    Map.of("regex", REGEX))));
    for (int i = 0; i < 3; i++) {
      String text = r.getString("choices[" + i + "].text");
      assertTrue(Pattern.matches(REGEX, text), text);
      assertEquals("stop", r.getString("choices[" + i + "].finish_reason"), text);
    }
    Map<String, Object> streamed =
        Map.of(
            "model",
            TestModel.MODEL,
            "prompt",
            "Lily",
            "max_tokens",
            60,
            "temperature",
            0,
            "stream",
            true,
            "guided_regex",
            REGEX);
    StringBuilder text = new StringBuilder();
    for (JsonPath chunk : Sse.chunks(StreamingAndChatTest.post("/v1/completions", streamed))) {
      String t = chunk.getString("choices[0].text");
      text.append(t == null ? "" : t);
    }
    assertTrue(Pattern.matches(REGEX, text), text.toString());
  }

  @Test
  void chatRepliesAreOneOfTheChoices() {
    List<String> choices = List.of("yes", "no", "not sure");
    for (String field : List.of("structured_outputs", "guided_choice")) {
      Object value = field.equals("guided_choice") ? choices : Map.of("choice", choices);
      JsonPath r =
          JsonPath.from(
              StreamingAndChatTest.post(
                  "/v1/chat/completions",
                  Map.of(
                      "model",
                      TestModel.MODEL,
                      "messages",
                      List.of(Map.of("role", "user", "content", "Is the sun hot?")),
                      "n",
                      3,
                      "seed",
                      7,
                      field,
                      value)));
      for (int i = 0; i < 3; i++) {
        String content = r.getString("choices[" + i + "].message.content");
        assertTrue(choices.contains(content), content);
        assertEquals("stop", r.getString("choices[" + i + "].finish_reason"));
      }
    }
  }
}
