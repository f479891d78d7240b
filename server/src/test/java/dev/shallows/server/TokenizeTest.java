package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /tokenize} and {@code /detokenize}: the ids are exactly what a completion or a chat of the
 * same input prefills (its {@code usage.prompt_tokens}), and they decode back to the text.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class TokenizeTest {

  private static JsonPath post(String path, Map<String, Object> body, int status) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post(path)
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  @Test
  void promptTokensAreWhatACompletionPrefills() {
    String text = "Once upon a time, there was a little dog";
    JsonPath t = post("/tokenize", Map.of("model", TestModel.MODEL, "prompt", text), 200);
    JsonPath c =
        post(
            "/v1/completions",
            Map.of("model", TestModel.MODEL, "prompt", text, "max_tokens", 1),
            200);
    assertEquals(c.getInt("usage.prompt_tokens"), t.getInt("count"));
    List<Integer> ids = t.getList("tokens", Integer.class);
    assertEquals(t.getInt("count"), ids.size());
    assertTrue(t.getInt("max_model_len") > ids.size());

    // without the BOS the ids decode back to the text
    JsonPath bare =
        post(
            "/tokenize",
            Map.of("model", TestModel.MODEL, "prompt", text, "add_special_tokens", false),
            200);
    assertEquals(ids.size() - 1, bare.getInt("count"));
    JsonPath d =
        post(
            "/detokenize", Map.of("model", TestModel.MODEL, "tokens", bare.getList("tokens")), 200);
    assertEquals(text, d.getString("prompt"));
  }

  @Test
  void chatTokensAreWhatAChatPrefills() {
    List<Map<String, String>> messages =
        List.of(
            Map.of("role", "system", "content", "You tell stories."),
            Map.of("role", "user", "content", "Tell me about a cat."));
    JsonPath t =
        post("/tokenize", Map.of("model", TestModel.MODEL + ":full", "messages", messages), 200);
    JsonPath c =
        post(
            "/v1/chat/completions",
            Map.of("model", TestModel.MODEL, "messages", messages, "max_tokens", 1),
            200);
    assertEquals(c.getInt("usage.prompt_tokens"), t.getInt("count"));
  }

  @Test
  void badInputIsRefusedInTheOpenAiShape() {
    assertEquals(
        "model_not_found",
        post("/tokenize", Map.of("model", "nope", "prompt", "x"), 404).getString("error.code"));
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "x",
                "messages",
                List.of(Map.of("role", "user", "content", "y"))))
        .post("/tokenize")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("prompt"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", TestModel.MODEL, "tokens", List.of(1, 999999)))
        .post("/detokenize")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("tokens"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("prompt", "x"))
        .post("/tokenize")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("model"));
    for (Map<String, Object> bad :
        List.of(
            Map.<String, Object>of("model", TestModel.MODEL, "prompt", "x", "tools", List.of()),
            Map.<String, Object>of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(Map.of("role", "user", "content", "y")),
                "tools",
                "f"))) {
      given()
          .contentType(ContentType.JSON)
          .body(bad)
          .post("/tokenize")
          .then()
          .statusCode(400)
          .body("error.param", equalTo("tools"));
    }
  }

  @Test
  void continueFinalMessagePrefillsTheAssistantsReply() {
    List<Map<String, String>> messages =
        List.of(
            Map.of("role", "user", "content", "Tell me a story"),
            Map.of("role", "assistant", "content", "Once upon a time, Lily"));
    JsonPath rendered =
        post(
            "/tokenize",
            Map.of("model", TestModel.MODEL, "messages", messages, "continue_final_message", true),
            200);
    // the default transcript (BOS first, as a completion prompt), cut after the assistant's text
    JsonPath text =
        post(
            "/tokenize",
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "User: Tell me a story\nAssistant: Once upon a time, Lily"),
            200);
    List<Integer> ids = rendered.getList("tokens", Integer.class);
    assertEquals(text.getList("tokens", Integer.class), ids);
    // the chat reply continues it as a completion of those ids does (greedy)
    JsonPath chat =
        post(
            "/v1/chat/completions",
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                messages,
                "continue_final_message",
                true,
                "max_tokens",
                8,
                "temperature",
                0),
            200);
    JsonPath completion =
        post(
            "/v1/completions",
            Map.of("model", TestModel.MODEL, "prompt", ids, "max_tokens", 8, "temperature", 0),
            200);
    assertEquals(
        completion.getString("choices[0].text"), chat.getString("choices[0].message.content"));
    // add_generation_prompt false: the transcript without "Assistant:"
    JsonPath noPrompt =
        post(
            "/tokenize",
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(messages.get(0)),
                "add_generation_prompt",
                false),
            200);
    JsonPath plain =
        post(
            "/tokenize",
            Map.of("model", TestModel.MODEL, "prompt", "User: Tell me a story\n"),
            200);
    assertEquals(plain.getList("tokens", Integer.class), noPrompt.getList("tokens", Integer.class));
  }
}
