package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Responses API against chat completions of the same conversation (greedy: the same text and
 * token counts), stored responses and previous_response_id, the typed event stream, function calls
 * both ways, text.format, bad input, and the official OpenAI Java client's reading of it all.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class ResponsesApiTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  @TestHTTPResource("/v1")
  URL base;

  static JsonPath create(Map<String, Object> body, int status) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/responses")
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  static Map<String, Object> request(Object input, Object... more) {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("input", input);
    b.put("temperature", 0);
    b.put("max_output_tokens", 12);
    for (int i = 0; i < more.length; i += 2) {
      b.put((String) more[i], more[i + 1]);
    }
    return b;
  }

  /** The greedy chat completion of {@code messages} (and {@code more} fields, name then value). */
  static JsonPath greedyChat(List<Map<String, Object>> messages, int max, Object... more) {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("messages", messages);
    b.put("temperature", 0);
    b.put("max_completion_tokens", max);
    for (int i = 0; i < more.length; i += 2) {
      b.put((String) more[i], more[i + 1]);
    }
    return JsonPath.from(StreamingAndChatTest.post("/v1/chat/completions", b));
  }

  /** The greedy chat reply to {@code messages}: {text, prompt tokens, completion tokens}. */
  static Object[] chat(List<Map<String, Object>> messages, int max) {
    JsonPath r = greedyChat(messages, max);
    return new Object[] {
      r.getString("choices[0].message.content"),
      r.getInt("usage.prompt_tokens"),
      r.getInt("usage.completion_tokens")
    };
  }

  static Map<String, Object> msg(String role, String content) {
    return Map.of("role", role, "content", content);
  }

  @Test
  void aResponseIsTheChatReplyToTheSameConversation() {
    JsonPath r =
        create(
            request("Tell me a story.", "instructions", "Be kind.", "metadata", Map.of("k", "v")),
            200);
    Object[] expected =
        chat(List.of(msg("system", "Be kind."), msg("user", "Tell me a story.")), 12);
    assertTrue(r.getString("id").startsWith("resp_"));
    assertEquals("response", r.getString("object"));
    assertEquals("incomplete", r.getString("status")); // 12 tokens do not finish a story
    assertEquals("max_output_tokens", r.getString("incomplete_details.reason"));
    assertEquals("message", r.getString("output[0].type"));
    assertEquals("assistant", r.getString("output[0].role"));
    assertEquals("output_text", r.getString("output[0].content[0].type"));
    assertEquals(expected[0], r.getString("output[0].content[0].text"));
    assertEquals(expected[1], r.getInt("usage.input_tokens"));
    assertEquals(expected[2], r.getInt("usage.output_tokens"));
    assertEquals("Be kind.", r.getString("instructions"));
    assertEquals("v", r.getString("metadata.k"));
    assertEquals("full", r.getString("variant"));
  }

  @Test
  void previousResponseIdContinuesTheStoredConversation() {
    JsonPath first = create(request("Lily had a dog."), 200);
    String id = first.getString("id");
    String firstText = first.getString("output[0].content[0].text");
    JsonPath second =
        create(
            request(List.of(msg("user", "What did the dog do?")), "previous_response_id", id), 200);
    Object[] expected =
        chat(
            List.of(
                msg("user", "Lily had a dog."),
                msg("assistant", firstText),
                msg("user", "What did the dog do?")),
            12);
    assertEquals(expected[0], second.getString("output[0].content[0].text"));
    assertEquals(expected[1], second.getInt("usage.input_tokens"));
    assertEquals(id, second.getString("previous_response_id"));

    // stored: retrievable, deletable; a deleted or unknown id is a 404
    given().get("/v1/responses/" + id).then().statusCode(200).extract().jsonPath();
    assertEquals(
        firstText,
        given().get("/v1/responses/" + id).jsonPath().getString("output[0].content[0].text"));
    given().delete("/v1/responses/" + id).then().statusCode(200);
    given().get("/v1/responses/" + id).then().statusCode(404);
    JsonPath missing = create(request("Hi", "previous_response_id", id), 404);
    assertEquals("previous_response_id", missing.getString("error.param"));
    String unstored = create(request("Hi", "store", false), 200).getString("id");
    given().get("/v1/responses/" + unstored).then().statusCode(404);
  }

  @Test
  void streamedEventsAddUpToTheResponse() {
    String body =
        given()
            .contentType(ContentType.JSON)
            .body(request("Once upon a time", "stream", true))
            .post("/v1/responses")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<String> names = new ArrayList<>();
    for (String event : body.split("\n\n")) {
      if (event.startsWith("event: ")) {
        names.add(event.substring(7, event.indexOf('\n')));
      }
    }
    List<JsonPath> events = Sse.chunks(body);
    assertEquals(names.size(), events.size(), "an event line for every data line");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.size(); i++) {
      assertEquals(names.get(i), events.get(i).getString("type"));
      assertEquals(i, events.get(i).getInt("sequence_number"));
      if (names.get(i).equals("response.output_text.delta")) {
        text.append(events.get(i).getString("delta"));
      }
    }
    assertEquals(
        List.of(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added"),
        names.subList(0, 4));
    assertEquals(
        List.of(
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.incomplete"),
        names.subList(names.size() - 4, names.size()));
    assertTrue(body.indexOf("[DONE]") < 0, "no [DONE] in the Responses API");
    JsonPath last = events.get(events.size() - 1);
    String plain = create(request("Once upon a time"), 200).getString("output[0].content[0].text");
    assertEquals(plain, text.toString());
    assertEquals(plain, last.getString("response.output[0].content[0].text"));
    assertEquals(12, last.getInt("response.usage.output_tokens"));
  }

  @Test
  void textLogprobsAreTheChatReplysLogprobs() {
    Map<String, Object> ask =
        request(
            "Tell me a story.",
            "include",
            List.of("message.output_text.logprobs", "reasoning.encrypted_content"),
            "top_logprobs",
            2);
    JsonPath r = create(ask, 200);
    JsonPath chat =
        greedyChat(
            List.of(msg("user", "Tell me a story.")), 12, "logprobs", true, "top_logprobs", 2);
    List<Map<String, Object>> want = chat.getList("choices[0].logprobs.content");
    ClientShapes.valid(r, com.openai.models.responses.Response.class);
    List<Map<String, Object>> got = r.getList("output[0].content[0].logprobs");
    assertEquals(12, want.size());
    sameEntries(want, got);
    StringBuilder tokens = new StringBuilder();
    got.forEach(e -> tokens.append(e.get("token")));
    assertEquals(r.getString("output[0].content[0].text"), tokens.toString());
    assertNull(
        create(request("Tell me a story."), 200).get("output[0].content[0].logprobs"),
        "only when asked for");

    // streamed: each text delta carries its token's entry; they add up to the response's list
    Map<String, Object> streamed = new HashMap<>(ask);
    streamed.put("stream", true);
    String body =
        given()
            .contentType(ContentType.JSON)
            .body(streamed)
            .post("/v1/responses")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    List<Object> fromDeltas = new ArrayList<>();
    JsonPath done = null;
    for (JsonPath e : Sse.chunks(body)) {
      ClientShapes.valid(e, com.openai.models.responses.ResponseStreamEvent.class);
      if (e.getString("type").equals("response.output_text.delta")) {
        List<Object> lp = e.getList("logprobs");
        assertEquals(1, lp.size(), "one token per delta without parsers");
        fromDeltas.addAll(lp);
      } else if (e.getString("type").equals("response.output_text.done")) {
        done = e;
      }
    }
    sameEntries(want, fromDeltas);
    sameEntries(want, done.getList("logprobs"));
  }

  /**
   * The same tokens, bytes and alternatives, logprobs within float noise (requests run in other
   * batches and thread splits).
   */
  @SuppressWarnings("unchecked")
  private static void sameEntries(List<? extends Object> want, List<? extends Object> got) {
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      Map<String, Object> w = (Map<String, Object>) want.get(i);
      Map<String, Object> g = (Map<String, Object>) got.get(i);
      assertEquals(w.get("token"), g.get("token"), "token " + i);
      assertEquals(w.get("bytes"), g.get("bytes"));
      assertEquals(
          ((Number) w.get("logprob")).doubleValue(),
          ((Number) g.get("logprob")).doubleValue(),
          1e-4);
      List<Map<String, Object>> wt = (List<Map<String, Object>>) w.get("top_logprobs");
      List<Map<String, Object>> gt = (List<Map<String, Object>>) g.get("top_logprobs");
      assertEquals(wt.size(), gt.size());
      for (int j = 0; j < wt.size(); j++) {
        assertEquals(wt.get(j).get("token"), gt.get(j).get("token"), "alternative " + j);
      }
    }
  }

  @Test
  void functionCallsGoOutAsItemsAndComeBackAsInput() throws Exception {
    Map<String, Object> tool =
        Map.of(
            "type",
            "function",
            "name",
            "get_weather",
            "parameters",
            JACKSON.readTree(ToolCallsTest.WEATHER));
    JsonPath r =
        create(
            request(
                "Weather in Oslo?",
                "tools",
                List.of(tool),
                "tool_choice",
                Map.of("type", "function", "name", "get_weather"),
                "max_output_tokens",
                40),
            200);
    assertEquals("completed", r.getString("status"));
    ClientShapes.valid(r, com.openai.models.responses.Response.class);
    assertEquals("function_call", r.getString("output[0].type"));
    assertEquals("get_weather", r.getString("output[0].name"));
    String callId = r.getString("output[0].call_id");
    assertTrue(callId.startsWith("call_"));
    var args = JACKSON.readTree(r.getString("output[0].arguments"));
    assertTrue(
        List.of("Oslo", "Lima", "Pune").contains(args.get("city").asText()), args.toString());

    // the call and its result as input items continue the conversation
    List<Object> input =
        List.of(
            msg("user", "Weather in Oslo?"),
            Map.of(
                "type",
                "function_call",
                "call_id",
                callId,
                "name",
                "get_weather",
                "arguments",
                r.getString("output[0].arguments")),
            Map.of("type", "function_call_output", "call_id", callId, "output", "sunny"));
    JsonPath next = create(request(input, "tools", List.of(tool)), 200);
    assertEquals("message", next.getString("output[0].type"));
    // the same turn through chat: the assistant's call and the tool's result
    List<Map<String, Object>> messages = new ArrayList<>();
    messages.add(msg("user", "Weather in Oslo?"));
    Map<String, Object> call = new HashMap<>();
    call.put("role", "assistant");
    call.put("content", null);
    // key order as the server writes it: the default transcript shows the calls as their JSON
    Map<String, Object> function = new java.util.LinkedHashMap<>();
    function.put("name", "get_weather");
    function.put("arguments", r.getString("output[0].arguments"));
    Map<String, Object> toolCall = new java.util.LinkedHashMap<>();
    toolCall.put("id", callId);
    toolCall.put("type", "function");
    toolCall.put("function", function);
    call.put("tool_calls", List.of(toolCall));
    messages.add(call);
    messages.add(Map.of("role", "tool", "tool_call_id", callId, "content", "sunny"));
    assertEquals(chat(messages, 12)[0], next.getString("output[0].content[0].text"));
  }

  @Test
  void textFormatConstrainsTheReply() throws Exception {
    Map<String, Object> format =
        Map.of(
            "type",
            "json_schema",
            "name",
            "pet",
            "schema",
            JACKSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"kind\":{\"enum\":[\"cat\",\"dog\"]}},"
                    + "\"required\":[\"kind\"],\"additionalProperties\":false}"));
    JsonPath r =
        create(request("A pet?", "text", Map.of("format", format), "max_output_tokens", 30), 200);
    String text = r.getString("output[0].content[0].text");
    assertTrue(List.of("cat", "dog").contains(JACKSON.readTree(text).get("kind").asText()), text);
    assertEquals("json_schema", r.getString("text.format.type"));
  }

  @Test
  void badInputNamesTheResponsesField() {
    Object[][] cases = {
      {Map.of("model", TestModel.MODEL), "input"},
      {request(List.of(Map.of("type", "reasoning"))), "input[0].type"},
      {
        request(List.of(Map.of("role", "user", "content", List.of(Map.of("type", "input_image"))))),
        "input[0].content[0]"
      },
      {request("Hi", "tools", List.of(Map.of("type", "web_search"))), "tools[0].type"},
      {request("Hi", "n", 2), "n"},
      {request("Hi", "max_output_tokens", "ten"), "max_output_tokens"},
      {request("Hi", "max_output_tokens", -1), "max_output_tokens"},
      {request("Hi", "truncation", "auto"), "truncation"},
      {request("Hi", "tool_choice", Map.of("type", "function")), "tool_choice"},
      {
        request("Hi", "text", Map.of("format", Map.of("type", "json_schema", "name", "x"))),
        "text.format"
      },
      {request("Hi", "temperature", -3), "temperature"},
      {request("Hi", "include", "message.output_text.logprobs"), "include"},
      {request("Hi", "include", List.of(3)), "include"},
      {request("Hi", "top_logprobs", 21), "top_logprobs"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      JsonPath e = create((Map<String, Object>) c[0], 400);
      assertTrue(e.getString("error.param").startsWith((String) c[1]), c[1] + ": " + e.prettify());
      assertEquals("invalid_request_error", e.getString("error.type"));
    }
  }

  @Test
  void theOfficialClientReadsResponsesAndTheirStream() {
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .apiKey("unused")
            .baseUrl(base.toString())
            .maxRetries(0)
            .build();
    ResponseCreateParams params =
        ResponseCreateParams.builder()
            .model(TestModel.MODEL)
            .input("Once upon a time")
            .instructions("Tell a story.")
            .maxOutputTokens(12L)
            .temperature(0.0)
            .build();
    var r = client.responses().create(params);
    r.validate(); // every field the client requires is there, of its type
    String text = r.output().get(0).asMessage().content().get(0).asOutputText().text();
    assertTrue(text.length() > 5, text);
    assertEquals(12L, r.usage().orElseThrow().outputTokens());
    StringBuilder streamed = new StringBuilder();
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(params)) {
      s.stream()
          .forEach(
              e -> {
                e.validate();
                if (e.isOutputTextDelta()) {
                  streamed.append(e.asOutputTextDelta().delta());
                  assertTrue(e.asOutputTextDelta().logprobs().isEmpty(), "required, empty here");
                }
                if (e.isOutputTextDone()) {
                  assertTrue(e.asOutputTextDone().logprobs().isEmpty());
                }
              });
    }
    assertEquals(text, streamed.toString());
    var again = client.responses().retrieve(r.id()).validate();
    assertEquals(r.id(), again.id());
  }
}
