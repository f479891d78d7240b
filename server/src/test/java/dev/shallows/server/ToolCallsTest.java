package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code tools} + {@code tool_choice}: a named function's reply is a call whose arguments networknt
 * validates against its parameters; {@code "required"} gives calls of the listed functions (a tool
 * with $defs/$ref included); streaming sends the same call in one delta; earlier calls and tool
 * results in the history are accepted.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class ToolCallsTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  static final String WEATHER =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"enum\":[\"Oslo\",\"Lima\",\"Pune\"]},"
          + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"],"
          + "\"additionalProperties\":false}";

  static final String LOOKUP =
      "{\"type\":\"object\",\"properties\":{\"q\":{\"$ref\":\"#/$defs/query\"}},"
          + "\"required\":[\"q\"],\"additionalProperties\":false,"
          + "\"$defs\":{\"query\":{\"type\":\"string\",\"maxLength\":10}}}";

  static List<Object> tools() throws Exception {
    return List.of(
        Map.of(
            "type",
            "function",
            "function",
            Map.of("name", "get_weather", "parameters", JACKSON.readTree(WEATHER))),
        Map.of(
            "type",
            "function",
            "function",
            Map.of("name", "lookup", "parameters", JACKSON.readTree(LOOKUP))));
  }

  static Map<String, Object> body(Object toolChoice, Map<String, Object> extra) throws Exception {
    Map<String, Object> b =
        new HashMap<>(
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(Map.of("role", "user", "content", "What is the weather in Oslo?")),
                "max_tokens",
                200,
                "seed",
                7,
                "tools",
                tools(),
                "tool_choice",
                toolChoice));
    b.putAll(extra);
    return b;
  }

  private static boolean valid(String schema, String arguments) throws Exception {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(JACKSON.readTree(schema))
        .validate(JACKSON.readTree(arguments))
        .isEmpty();
  }

  @Test
  void aNamedFunctionIsCalledWithValidArguments() throws Exception {
    Map<String, Object> named =
        Map.of("type", "function", "function", Map.of("name", "get_weather"));
    JsonPath r =
        JsonPath.from(StreamingAndChatTest.post("/v1/chat/completions", body(named, Map.of())));
    assertEquals("stop", r.getString("choices[0].finish_reason"));
    assertNull(r.get("choices[0].message.content"));
    assertEquals("get_weather", r.getString("choices[0].message.tool_calls[0].function.name"));
    assertEquals("function", r.getString("choices[0].message.tool_calls[0].type"));
    assertTrue(r.getString("choices[0].message.tool_calls[0].id").startsWith("call_"));
    String arguments = r.getString("choices[0].message.tool_calls[0].function.arguments");
    assertTrue(valid(WEATHER, arguments), arguments);

    // streamed: the same call, in one tool_calls delta, then the finish reason
    String sse =
        StreamingAndChatTest.post("/v1/chat/completions", body(named, Map.of("stream", true)));
    String streamed = null;
    String finish = null;
    for (JsonPath chunk : Sse.chunks(sse)) {
      ClientShapes.valid(chunk, com.openai.models.chat.completions.ChatCompletionChunk.class);
      if (chunk.get("choices[0].delta.tool_calls") != null) {
        assertEquals(0, chunk.getInt("choices[0].delta.tool_calls[0].index"));
        assertEquals(
            "get_weather", chunk.getString("choices[0].delta.tool_calls[0].function.name"));
        streamed = chunk.getString("choices[0].delta.tool_calls[0].function.arguments");
      }
      if (chunk.get("choices[0].finish_reason") != null) {
        finish = chunk.getString("choices[0].finish_reason");
      }
    }
    assertEquals(arguments, streamed);
    assertEquals("stop", finish);
  }

  @Test
  void requiredGivesCallsOfTheListedFunctions() throws Exception {
    Map<String, String> schemas = Map.of("get_weather", WEATHER, "lookup", LOOKUP);
    Set<String> called = new java.util.HashSet<>();
    for (int seed = 0; seed < 6; seed++) {
      JsonPath r =
          JsonPath.from(
              StreamingAndChatTest.post(
                  "/v1/chat/completions",
                  body(
                      "required",
                      Map.of("seed", seed, "temperature", 1.0, "parallel_tool_calls", false))));
      assertEquals("tool_calls", r.getString("choices[0].finish_reason"));
      List<Map<String, Object>> calls = r.getList("choices[0].message.tool_calls");
      assertEquals(1, calls.size(), "parallel_tool_calls false: one call");
      String name = r.getString("choices[0].message.tool_calls[0].function.name");
      String arguments = r.getString("choices[0].message.tool_calls[0].function.arguments");
      assertTrue(valid(schemas.get(name), arguments), name + " " + arguments);
      called.add(name);
    }
    assertTrue(!called.isEmpty(), called.toString());
  }

  @Test
  void historyWithEarlierCallsAndToolResultsIsAccepted() throws Exception {
    List<Object> messages =
        List.of(
            Map.of("role", "user", "content", "Weather in Oslo?"),
            Map.of(
                "role",
                "assistant",
                "tool_calls",
                List.of(
                    Map.of(
                        "id",
                        "call_1",
                        "type",
                        "function",
                        "function",
                        Map.of(
                            "name",
                            "get_weather",
                            "arguments",
                            "{\"city\":\"Oslo\",\"days\":1}")))),
            Map.of("role", "tool", "tool_call_id", "call_1", "content", "Sunny, 21 C"));
    given()
        .contentType(ContentType.JSON)
        .body(body("none", Map.of("messages", messages, "max_tokens", 8)))
        .post("/v1/chat/completions")
        .then()
        .statusCode(200);
  }
}
