package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code think} reasoning parser ({@link StartupTest}'s profile sets it). The test model's
 * reply is real decoding steered by a guided regex into a reasoning block and an answer, so the
 * test knows the split to expect: {@code reasoning_content} and {@code content} in chat, streamed
 * as separate deltas with no tag in either; a reasoning item before the message in the Responses
 * API; a reply without a block is all content.
 */
@QuarkusTest
@TestProfile(StartupTest.Profile.class)
@QuarkusTestResource(TestModel.class)
class ReasoningTest {

  private static final String REPLY = "<think>[a-z ]{3,20}</think>\\n?(Yes|No)\\.";

  private static Map<String, Object> body(String regex, boolean stream) {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("messages", List.of(Map.of("role", "user", "content", "Is the cat happy?")));
    b.put("max_tokens", 60);
    b.put("seed", 3);
    b.put("structured_outputs", Map.of("regex", regex));
    b.put("stream", stream);
    return b;
  }

  private static String post(String path, Map<String, Object> body) {
    return given()
        .header("Authorization", "Bearer " + StartupTest.API_KEY)
        .contentType(ContentType.JSON)
        .body(body)
        .post(path)
        .then()
        .statusCode(200)
        .extract()
        .asString();
  }

  @Test
  void chatSplitsReasoningFromTheAnswer() {
    JsonPath r = JsonPath.from(post("/v1/chat/completions", body(REPLY, false)));
    String reasoning = r.getString("choices[0].message.reasoning_content");
    String content = r.getString("choices[0].message.content");
    assertTrue(Pattern.matches("[a-z ]{3,20}", reasoning), reasoning);
    assertTrue(content.equals("Yes.") || content.equals("No."), content);

    String streamed = post("/v1/chat/completions", body(REPLY, true));
    for (JsonPath chunk : Sse.chunks(streamed)) {
      String c = chunk.getString("choices[0].delta.content");
      String t = chunk.getString("choices[0].delta.reasoning_content");
      assertFalse(c != null && c.contains("<"), "no tag in the content: " + c);
      assertFalse(t != null && t.contains("<"), "no tag in the reasoning: " + t);
    }
    assertEquals(reasoning, Sse.joined(streamed, "choices[0].delta.reasoning_content"));
    assertEquals(content, Sse.joined(streamed, "choices[0].delta.content"));

    // no block: all content, no reasoning_content
    JsonPath plain = JsonPath.from(post("/v1/chat/completions", body("(Yes|No)\\.", false)));
    assertNull(plain.get("choices[0].message.reasoning_content"));
    assertTrue(plain.getString("choices[0].message.content").endsWith("."));
  }

  @Test
  void theResponsesApiGivesAReasoningItemBeforeTheMessage() {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("input", "Is the cat happy?");
    b.put("max_output_tokens", 60);
    b.put("seed", 3);
    b.put("structured_outputs", Map.of("regex", REPLY));
    JsonPath r = JsonPath.from(post("/v1/responses", b));
    JsonPath chat = JsonPath.from(post("/v1/chat/completions", body(REPLY, false)));
    assertEquals("reasoning", r.getString("output[0].type"));
    assertEquals(
        chat.getString("choices[0].message.reasoning_content"),
        r.getString("output[0].content[0].text"));
    assertEquals("message", r.getString("output[1].type"));
    assertEquals(
        chat.getString("choices[0].message.content"), r.getString("output[1].content[0].text"));

    // the text's logprobs are the answer's tokens: none of the reasoning's, none of the tags'
    Map<String, Object> withLogprobs = new HashMap<>(b);
    withLogprobs.put("include", List.of("message.output_text.logprobs"));
    JsonPath lp = JsonPath.from(post("/v1/responses", withLogprobs));
    ClientShapes.valid(lp, com.openai.models.responses.Response.class);
    StringBuilder tokens = new StringBuilder();
    lp.getList("output[1].content[0].logprobs.token", String.class).forEach(tokens::append);
    assertEquals(lp.getString("output[1].content[0].text"), tokens.toString());

    b.put("stream", true);
    String events = post("/v1/responses", b);
    assertEquals(
        r.getString("output[0].content[0].text"),
        Sse.joined(events, "delta")
            .substring(0, r.getString("output[0].content[0].text").length()));
    JsonPath last = Sse.chunks(events).get(Sse.chunks(events).size() - 1);
    assertEquals("response.completed", last.getString("type"));
    assertEquals(
        r.getString("output[1].content[0].text"),
        last.getString("response.output[1].content[0].text"));
    assertEquals(1, last.getInt("response.output[1].content.size()"));
  }

  @Test
  void aConstrainedReplyReasonsFirstWhenThePromptOpensTheBlock() {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("messages", List.of(Map.of("role", "user", "content", "Is the cat happy?")));
    b.put("max_tokens", 24);
    b.put("seed", 5);
    b.put("response_format", Map.of("type", "json_object"));
    // the profile's template opens <think> on request: the JSON must wait for </think>, which
    // the story model never writes, so the whole reply is free reasoning
    b.put("chat_template_kwargs", Map.of("think", true));
    JsonPath thinking = JsonPath.from(post("/v1/chat/completions", b));
    assertEquals("length", thinking.getString("choices[0].finish_reason"));
    assertNull(thinking.get("choices[0].message.content"));
    String reasoning = thinking.getString("choices[0].message.reasoning_content");
    assertTrue(reasoning.chars().filter(Character::isLetter).count() > 5, reasoning);
    // no block opened: JSON from the first token
    b.remove("chat_template_kwargs");
    JsonPath json = JsonPath.from(post("/v1/chat/completions", b));
    assertNull(json.get("choices[0].message.reasoning_content"));
    assertTrue(json.getString("choices[0].message.content").strip().startsWith("{"));
  }

  @Test
  void reasoningTextAndACallComeOutAsThreeItemsStreamedOrNot() throws Exception {
    String regex =
        "<think>[a-z ]{3,12}</think>Ok\\.<tool_call>\\n\\{\"name\": \"weather\", \"arguments\":"
            + " \\{\"city\": \"(Oslo|Lima)\"\\}\\}\\n</tool_call>";
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("input", "Weather?");
    b.put("max_output_tokens", 250);
    b.put("temperature", 0);
    b.put("structured_outputs", Map.of("regex", regex));
    b.put(
        "tools",
        List.of(
            Map.of(
                "type",
                "function",
                "name",
                "weather",
                "parameters",
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(ToolCallsTest.WEATHER))));
    JsonPath r = JsonPath.from(post("/v1/responses", b));
    assertEquals(
        List.of("reasoning", "message", "function_call"), r.getList("output.type"), r.prettify());
    assertEquals("Ok.", r.getString("output[1].content[0].text"));
    assertEquals("weather", r.getString("output[2].name"));
    b.put("stream", true);
    String events = post("/v1/responses", b);
    JsonPath last = Sse.chunks(events).get(Sse.chunks(events).size() - 1);
    assertEquals(r.getList("output.type"), last.getList("response.output.type"));
    assertEquals(
        r.getString("output[0].content[0].text"),
        last.getString("response.output[0].content[0].text"));
    assertEquals(
        r.getString("output[2].arguments"), last.getString("response.output[2].arguments"));
    // each item's events carry its own output_index
    for (JsonPath e : Sse.chunks(events)) {
      String type = e.getString("type");
      if (type.startsWith("response.reasoning_text")) {
        assertEquals(0, e.getInt("output_index"));
      } else if (type.startsWith("response.output_text")
          || type.startsWith("response.content_part")) {
        assertEquals(1, e.getInt("output_index"));
      } else if (type.startsWith("response.function_call_arguments")) {
        assertEquals(2, e.getInt("output_index"));
      }
    }
  }
}
