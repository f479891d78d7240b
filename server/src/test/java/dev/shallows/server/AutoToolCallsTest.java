package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tool_choice: "auto"} with the {@code hermes} parser ({@link StartupTest}'s profile sets
 * it; the test model has no template to detect it from). The model's reply is real decoding,
 * steered by a guided regex into Hermes' format, so the test knows which text the parser must read:
 * calls with the content before them, streamed as content then one tool_calls delta; a call of an
 * unknown function, and free text, stay text.
 */
@QuarkusTest
@TestProfile(StartupTest.Profile.class)
@QuarkusTestResource(TestModel.class)
class AutoToolCallsTest {

  private static final ObjectMapper JACKSON = new ObjectMapper();

  private static final String CALL =
      "Sure\\.<tool_call>\\n\\{\"name\": \"%s\", \"arguments\": \\{\"city\": \"(Oslo|Lima)\"\\}\\}"
          + "\\n</tool_call>";

  private static Map<String, Object> body(Object toolChoice, String regex, boolean stream)
      throws Exception {
    Map<String, Object> b = new HashMap<>();
    b.put("model", TestModel.MODEL);
    b.put("messages", List.of(Map.of("role", "user", "content", "Weather in Oslo?")));
    b.put("max_tokens", 80);
    b.put("temperature", 0);
    b.put(
        "tools",
        List.of(
            Map.of(
                "type",
                "function",
                "function",
                Map.of("name", "weather", "parameters", JACKSON.readTree(ToolCallsTest.WEATHER)))));
    if (toolChoice != null) {
      b.put("tool_choice", toolChoice);
    }
    if (regex != null) {
      b.put("structured_outputs", Map.of("regex", regex));
    }
    if (stream) {
      b.put("stream", true);
    }
    return b;
  }

  private static io.restassured.response.Response post(Map<String, Object> body) {
    return given()
        .header("Authorization", "Bearer " + StartupTest.API_KEY)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/chat/completions");
  }

  @Test
  void aReplyInTheModelsFormatBecomesToolCalls() throws Exception {
    // no tool_choice: "auto" when the model has a parser, as OpenAI's default with tools
    for (Object choice : new Object[] {null, "auto"}) {
      JsonPath r =
          post(body(choice, CALL.formatted("weather"), false))
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals("tool_calls", r.getString("choices[0].finish_reason"), String.valueOf(choice));
      assertEquals("Sure.", r.getString("choices[0].message.content"));
      assertEquals("weather", r.getString("choices[0].message.tool_calls[0].function.name"));
      assertEquals("function", r.getString("choices[0].message.tool_calls[0].type"));
      assertTrue(r.getString("choices[0].message.tool_calls[0].id").startsWith("call_"));
      String city =
          JACKSON
              .readTree(r.getString("choices[0].message.tool_calls[0].function.arguments"))
              .get("city")
              .asText();
      assertTrue(city.equals("Oslo") || city.equals("Lima"), city);
      assertEquals(1, r.getList("choices[0].message.tool_calls").size());
    }
  }

  @Test
  void streamedTheContentComesFirstAndTheCallsInOneDelta() throws Exception {
    String plain = post(body(null, CALL.formatted("weather"), false)).then().extract().asString();
    String arguments =
        JsonPath.from(plain).getString("choices[0].message.tool_calls[0].function.arguments");
    String body =
        post(body(null, CALL.formatted("weather"), true))
            .then()
            .statusCode(200)
            .extract()
            .asString();
    StringBuilder content = new StringBuilder();
    String streamedArguments = null;
    String finish = null;
    for (JsonPath chunk : Sse.chunks(body)) {
      String c = chunk.getString("choices[0].delta.content");
      if (c != null) {
        assertFalse(c.contains("<"), "no part of the call streams as content: " + c);
        content.append(c);
      }
      if (chunk.get("choices[0].delta.tool_calls") != null) {
        assertNull(streamedArguments, "one tool_calls delta");
        assertEquals(0, chunk.getInt("choices[0].delta.tool_calls[0].index"));
        assertEquals("weather", chunk.getString("choices[0].delta.tool_calls[0].function.name"));
        streamedArguments = chunk.getString("choices[0].delta.tool_calls[0].function.arguments");
      }
      if (chunk.getString("choices[0].finish_reason") != null) {
        finish = chunk.getString("choices[0].finish_reason");
      }
    }
    assertEquals("Sure.", content.toString());
    assertEquals(arguments, streamedArguments, "greedy: the same call as unstreamed");
    assertEquals("tool_calls", finish);
  }

  @Test
  void twoCallsAreTwoUnlessParallelCallsAreOff() throws Exception {
    String second =
        "<tool_call>\\n\\{\"name\": \"weather\", \"arguments\": \\{\"city\": \"Lima\"\\}\\}"
            + "\\n</tool_call>";
    String two = CALL.formatted("weather") + second;
    Map<String, Object> request = body("auto", two, false);
    request.put("max_tokens", 250); // the test model spells braces byte by byte
    JsonPath both = post(request).then().statusCode(200).extract().jsonPath();
    assertEquals(2, both.getList("choices[0].message.tool_calls").size());
    assertTrue(
        both.getString("choices[0].message.tool_calls[1].function.arguments").contains("Lima"));
    Map<String, Object> one = new HashMap<>(request);
    one.put("parallel_tool_calls", false);
    JsonPath first = post(one).then().statusCode(200).extract().jsonPath();
    assertEquals(1, first.getList("choices[0].message.tool_calls").size());
    assertEquals(
        both.getString("choices[0].message.tool_calls[0].function.arguments"),
        first.getString("choices[0].message.tool_calls[0].function.arguments"));
  }

  @Test
  void unknownFunctionsAndFreeTextStayText() throws Exception {
    String unknown = CALL.formatted("rain");
    JsonPath r = post(body("auto", unknown, false)).then().statusCode(200).extract().jsonPath();
    assertNull(r.get("choices[0].message.tool_calls"));
    assertTrue(r.getString("choices[0].message.content").startsWith("Sure.<tool_call>"));
    assertEquals("stop", r.getString("choices[0].finish_reason"));
    String streamed = post(body("auto", unknown, true)).then().statusCode(200).extract().asString();
    StringBuilder content = new StringBuilder();
    for (JsonPath chunk : Sse.chunks(streamed)) {
      assertNull(chunk.get("choices[0].delta.tool_calls"));
      String c = chunk.getString("choices[0].delta.content");
      content.append(c == null ? "" : c);
    }
    assertEquals(r.getString("choices[0].message.content"), content.toString());

    // no regex: the story model writes text, which streams as it comes
    JsonPath free = post(body("auto", null, false)).then().statusCode(200).extract().jsonPath();
    assertNull(free.get("choices[0].message.tool_calls"));
    assertFalse(free.getString("choices[0].message.content").isEmpty());
    assertEquals("length", free.getString("choices[0].finish_reason"));
  }
}
