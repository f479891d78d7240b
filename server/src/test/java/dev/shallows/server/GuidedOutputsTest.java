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
 * Guided decoding (vLLM's {@code structured_outputs} regex / choice / grammar, the older {@code
 * guided_*} names and llama.cpp's {@code grammar}): every sampled reply matches whole ({@code
 * java.util.regex}; the test grammar is regular, written with recursion) and stops; streamed deltas
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
    String text =
        Sse.joined(StreamingAndChatTest.post("/v1/completions", streamed), "choices[0].text");
    assertTrue(Pattern.matches(REGEX, text), text);
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

  /** A GBNF grammar (recursive lists, optional parts) and the regex of the same language. */
  static final String GRAMMAR =
      """
      root     ::= sentence ("; " sentence){0,2} "."
      sentence ::= subject " " verb (" " object)?
      subject  ::= "Lily" | "the " noun
      object   ::= ("the " | "a ") list | "happy"
      list     ::= noun (" and " list)?   # right recursion
      noun     ::= "cat" | "dog" | "bird" | "ball"
      verb     ::= "was" | "had" | "saw" | "liked"
      """;

  private static final String NOUN = "(cat|dog|bird|ball)";
  private static final String SENTENCE =
      "(Lily|the "
          + NOUN
          + ") (was|had|saw|liked)( ((the |a )"
          + NOUN
          + "( and "
          + NOUN
          + ")*|happy))?";
  static final String GRAMMAR_REGEX = SENTENCE + "(; " + SENTENCE + "){0,2}\\.";

  @Test
  void repliesFollowTheGrammarUnderEachName() {
    for (String field : List.of("grammar", "guided_grammar", "structured_outputs")) {
      Object value = field.equals("structured_outputs") ? Map.of("grammar", GRAMMAR) : GRAMMAR;
      JsonPath r =
          JsonPath.from(
              StreamingAndChatTest.post(
                  "/v1/completions",
                  Map.of(
                      "model",
                      TestModel.MODEL,
                      "prompt",
                      "Once upon a time",
                      "max_tokens",
                      80,
                      "n",
                      3,
                      "seed",
                      5,
                      field,
                      value)));
      for (int i = 0; i < 3; i++) {
        String text = r.getString("choices[" + i + "].text");
        assertTrue(Pattern.matches(GRAMMAR_REGEX, text), field + ": " + text);
        assertEquals("stop", r.getString("choices[" + i + "].finish_reason"), text);
      }
    }
    Map<String, Object> chat =
        Map.of(
            "model",
            TestModel.MODEL,
            "messages",
            List.of(Map.of("role", "user", "content", "Tell me about Lily.")),
            "max_tokens",
            80,
            "stream",
            true,
            "grammar",
            GRAMMAR);
    String text =
        Sse.joined(
            StreamingAndChatTest.post("/v1/chat/completions", chat), "choices[0].delta.content");
    assertTrue(Pattern.matches(GRAMMAR_REGEX, text), text);
  }

  @Test
  void jsonSchemasUnderVllmsNames() throws Exception {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"cat\",\"dog\"]}},"
            + "\"required\":[\"kind\"],\"additionalProperties\":false}";
    var jackson = new com.fasterxml.jackson.databind.ObjectMapper();
    Object asObject = jackson.readTree(schema);
    for (Map.Entry<String, Object> field :
        List.of(
            Map.entry("structured_outputs", (Object) Map.of("json", asObject)),
            Map.entry("guided_json", (Object) schema))) { // vLLM takes the schema's text too
      JsonPath r =
          JsonPath.from(
              StreamingAndChatTest.post(
                  "/v1/chat/completions",
                  Map.of(
                      "model",
                      TestModel.MODEL,
                      "messages",
                      List.of(Map.of("role", "user", "content", "A pet?")),
                      "max_tokens",
                      40,
                      "n",
                      2,
                      "seed",
                      2,
                      field.getKey(),
                      field.getValue())));
      for (int i = 0; i < 2; i++) {
        String content = r.getString("choices[" + i + "].message.content");
        assertTrue(
            List.of("cat", "dog").contains(jackson.readTree(content).get("kind").asText()),
            field.getKey() + ": " + content);
        assertEquals("stop", r.getString("choices[" + i + "].finish_reason"));
      }
    }
  }
}
