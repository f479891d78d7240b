package dev.shallows.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.generate.json.JsonObjectGrammar;
import dev.shallows.store.TextTokenizer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code response_format: {"type":"json_object"}} on chat completions: the reply is the start of
 * one JSON object (finish "length") or, once it closes, the whole object (finish "stop"); streamed
 * deltas add up to the same reply.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class JsonModeTest {

  private static Map<String, Object> chat(Map<String, Object> extra) {
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(Map.of("role", "user", "content", "Describe a cat in JSON")),
                "max_tokens",
                30,
                "seed",
                3,
                "response_format",
                Map.of("type", "json_object")));
    body.putAll(extra);
    return body;
  }

  @Test
  void theReplyIsAJsonObjectOrItsStart() throws Exception {
    JsonPath r = JsonPath.from(StreamingAndChatTest.post("/v1/chat/completions", chat(Map.of())));
    String content = r.getString("choices[0].message.content");
    assertNotEquals(
        JsonObjectGrammar.INVALID,
        JsonObjectGrammar.feed(JsonObjectGrammar.START, content),
        content);
    assertTrue(content.strip().startsWith("{"), content);
    assertEquals("length", r.getString("choices[0].finish_reason"));

    // pushed towards '}', the object closes at once and the reply stops there
    int close;
    try (TextTokenizer tok = TextTokenizer.load(Path.of("target/test-model/stories260K"))) {
      close = Arrays.asList(tok.pieces()).indexOf("}");
    }
    JsonPath closed =
        JsonPath.from(
            StreamingAndChatTest.post(
                "/v1/chat/completions",
                chat(Map.of("logit_bias", Map.of(String.valueOf(close), 100)))));
    assertEquals("stop", closed.getString("choices[0].finish_reason"));
    assertEquals(
        new ObjectMapper().createObjectNode(),
        new ObjectMapper().readTree(closed.getString("choices[0].message.content")));

    // streamed, the deltas add up to the same reply
    String sse = StreamingAndChatTest.post("/v1/chat/completions", chat(Map.of("stream", true)));
    StringBuilder streamed = new StringBuilder();
    for (JsonPath chunk : Sse.chunks(sse)) {
      String delta = chunk.getString("choices[0].delta.content");
      streamed.append(delta == null ? "" : delta);
    }
    assertEquals(content, streamed.toString());
  }
}
