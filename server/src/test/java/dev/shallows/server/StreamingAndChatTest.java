package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SSE streaming in OpenAI's chunk format, chat completions and /v1/models. */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class StreamingAndChatTest {

  static String post(String path, Map<String, Object> body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post(path)
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  @Test
  void streamedCompletionEqualsNonStreamed() {
    Map<String, Object> base =
        Map.of(
            "model",
            TestModel.MODEL,
            "prompt",
            "Once upon a time",
            "max_tokens",
            40,
            "temperature",
            0);
    String whole = JsonPath.from(post("/v1/completions", base)).getString("choices[0].text");
    Map<String, Object> streamed = new java.util.HashMap<>(base);
    streamed.put("stream", true);
    streamed.put("stream_options", Map.of("include_usage", true));
    String body =
        given()
            .contentType(ContentType.JSON)
            .body(streamed)
            .post("/v1/completions")
            .then()
            .statusCode(200)
            .contentType(startsWith("text/event-stream"))
            .header("X-Shallows-Variant", "full")
            .extract()
            .asString();
    List<String> data = Sse.data(body);
    assertEquals("[DONE]", data.get(data.size() - 1));
    List<JsonPath> chunks = Sse.chunks(body);
    StringBuilder text = new StringBuilder();
    String finish = null;
    for (JsonPath c : chunks.subList(0, chunks.size() - 1)) {
      assertEquals("text_completion", c.getString("object"));
      text.append(c.getString("choices[0].text"));
      if (c.getString("choices[0].finish_reason") != null) {
        finish = c.getString("choices[0].finish_reason");
      }
    }
    assertEquals(whole, text.toString());
    assertEquals("length", finish);
    JsonPath usage = chunks.get(chunks.size() - 1);
    assertEquals(0, usage.getList("choices").size());
    assertEquals(40, usage.getInt("usage.completion_tokens"));
    assertTrue(chunks.size() > 5, "one chunk per token, not one blob");
  }

  @Test
  void continuousUsageStatsCountEveryChunk() {
    // completions, n = 2, without include_usage: usage per chunk, no closing usage chunk
    String body =
        post(
            "/v1/completions",
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                12,
                "n",
                2,
                "temperature",
                1,
                "seed",
                3,
                "stream",
                true,
                "stream_options",
                Map.of("continuous_usage_stats", true)));
    int prompt = tokens("Once upon a time");
    int[] last = new int[2];
    for (JsonPath c : Sse.chunks(body)) {
      assertEquals(1, c.getList("choices").size(), "every chunk is one choice's");
      int i = c.getInt("choices[0].index");
      assertEquals(prompt, c.getInt("usage.prompt_tokens"));
      int done = c.getInt("usage.completion_tokens");
      assertTrue(done >= last[i] && done <= 12, "running count " + done);
      assertEquals(prompt + done, c.getInt("usage.total_tokens"));
      last[i] = done;
    }
    assertEquals(12, last[0]);
    assertEquals(12, last[1]);
    // chat with include_usage too: the closing chunk's count equals the last running count
    List<JsonPath> chat =
        Sse.chunks(
            post(
                "/v1/chat/completions",
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "messages",
                    List.of(Map.of("role", "user", "content", "Hi")),
                    "max_tokens",
                    9,
                    "temperature",
                    0,
                    "stream",
                    true,
                    "stream_options",
                    Map.of("include_usage", true, "continuous_usage_stats", true))));
    JsonPath closing = chat.get(chat.size() - 1);
    assertEquals(0, closing.getList("choices").size());
    JsonPath lastChoice = chat.get(chat.size() - 2);
    assertEquals(0, chat.get(0).getInt("usage.completion_tokens"), "the role chunk");
    assertEquals(
        closing.getInt("usage.completion_tokens"), lastChoice.getInt("usage.completion_tokens"));
    assertEquals(closing.getInt("usage.prompt_tokens"), lastChoice.getInt("usage.prompt_tokens"));
    assertNull(lastChoice.get("usage.prompt_tokens_details"), "cached count only at the end");
  }

  /** How many tokens a completion prompt has (as /tokenize counts them). */
  private static int tokens(String prompt) {
    return JsonPath.from(post("/tokenize", Map.of("model", TestModel.MODEL, "prompt", prompt)))
        .getInt("count");
  }

  @Test
  void streamedStopStringNeverLeaks() {
    String body =
        post(
            "/v1/completions",
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                40,
                "temperature",
                0,
                "stream",
                true,
                "stop",
                "Lily"));
    StringBuilder text = new StringBuilder();
    for (JsonPath c : Sse.chunks(body)) {
      text.append(c.getString("choices[0].text"));
    }
    assertFalse(text.toString().contains("Lily"), text.toString());
    assertTrue(body.contains("\"finish_reason\":\"stop\""));
  }

  @Test
  void chatCompletionWithDefaultTemplate() {
    JsonPath r =
        JsonPath.from(
            post(
                "/v1/chat/completions",
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "messages",
                    List.of(Map.of("role", "user", "content", "Tell me a story")),
                    "max_completion_tokens",
                    12,
                    "temperature",
                    0,
                    "logprobs",
                    true,
                    "top_logprobs",
                    2)));
    assertEquals("chat.completion", r.getString("object"));
    ClientShapes.valid(r, com.openai.models.chat.completions.ChatCompletion.class);
    assertEquals("assistant", r.getString("choices[0].message.role"));
    assertEquals(12, r.getInt("usage.completion_tokens"));
    assertEquals(12, r.getList("choices[0].logprobs.content").size());
    assertEquals(2, r.getList("choices[0].logprobs.content[0].top_logprobs").size());
    // the prompt is the documented default transcript: "User: Tell me a story\nAssistant:"
    JsonPath probe =
        JsonPath.from(
            post(
                "/v1/completions",
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "prompt",
                    "User: Tell me a story\nAssistant:",
                    "max_tokens",
                    12,
                    "temperature",
                    0)));
    assertEquals(probe.getString("choices[0].text"), r.getString("choices[0].message.content"));
    assertEquals(probe.getInt("usage.prompt_tokens"), r.getInt("usage.prompt_tokens"));
  }

  @Test
  void aChatsNextTurnReusesTheCachedConversation() {
    String hits = "shallows_prompt_cache_hits_total{variant=\"full\"}";
    String reused = "shallows_prompt_cache_tokens_total{variant=\"full\"}";
    Map<String, Object> first =
        Map.of(
            "model",
            TestModel.MODEL + ":full",
            "messages",
            List.of(Map.of("role", "user", "content", "Tell me a story about a cat named Tom.")),
            "max_tokens",
            16,
            "temperature",
            0);
    JsonPath turn1 = JsonPath.from(post("/v1/chat/completions", first));
    String answer = turn1.getString("choices[0].message.content");
    double hitsBefore = DisconnectTest.metric(hits);
    double reusedBefore = DisconnectTest.metric(reused);

    Map<String, Object> next = new java.util.HashMap<>(first);
    next.put(
        "messages",
        List.of(
            Map.of("role", "user", "content", "Tell me a story about a cat named Tom."),
            Map.of("role", "assistant", "content", answer),
            Map.of("role", "user", "content", "What happened next?")));
    JsonPath turn2 = JsonPath.from(post("/v1/chat/completions", next));
    int cached = turn2.getInt("usage.prompt_tokens_details.cached_tokens");
    int prompt = turn2.getInt("usage.prompt_tokens");
    // at least the first turn's prompt came from the cache; the last prompt token is prefilled
    assertTrue(
        cached >= turn1.getInt("usage.prompt_tokens") - 1 && cached < prompt,
        cached + " cached of " + prompt);
    assertEquals(hitsBefore + 1, DisconnectTest.metric(hits));
    assertEquals(reusedBefore + cached, DisconnectTest.metric(reused));

    // the same turn again: everything but the last prompt token is cached, the answer is the same
    JsonPath again = JsonPath.from(post("/v1/chat/completions", next));
    assertEquals(prompt - 1, again.getInt("usage.prompt_tokens_details.cached_tokens"));
    assertEquals(
        turn2.getString("choices[0].message.content"),
        again.getString("choices[0].message.content"));
  }

  @Test
  void streamedChatHasRoleDeltasFinishAndDone() {
    String body =
        post(
            "/v1/chat/completions",
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(Map.of("role", "user", "content", "Hi")),
                "max_tokens",
                8,
                "temperature",
                0,
                "stream",
                true));
    List<JsonPath> chunks = Sse.chunks(body);
    assertEquals("assistant", chunks.get(0).getString("choices[0].delta.role"));
    assertEquals("chat.completion.chunk", chunks.get(0).getString("object"));
    JsonPath last = chunks.get(chunks.size() - 1);
    assertEquals("length", last.getString("choices[0].finish_reason"));
    assertNull(last.get("usage"));
    assertTrue(body.trim().endsWith("data: [DONE]"));
  }

  @Test
  void modelsListsModelAndVariants() {
    given()
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("object", equalTo("list"))
        .body("data.id", hasItem(TestModel.MODEL))
        .body("data.id", hasItem(TestModel.MODEL + ":full"))
        .body("data.find { it.id == 'stories:full' }.layers.size()", equalTo(5));
    given().get("/v1/models/stories:full").then().statusCode(200).body("variant", equalTo("full"));
    given()
        .get("/v1/models/nope")
        .then()
        .statusCode(404)
        .body("error.code", equalTo("model_not_found"));
  }

  @Test
  void forcedVariantIsServedAndNamed() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", "stories:full", "prompt", "Hi", "max_tokens", 2))
        .post("/v1/completions")
        .then()
        .statusCode(200)
        .header("X-Shallows-Variant", "full")
        .body("variant", equalTo("full"))
        .body("model", equalTo("stories:full"));
  }
}
