package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code response_format: {"type":"json_schema", ...}} (structured outputs) on chat completions:
 * with a schema whose values are all bounded, every choice closes ({@code stop}) and is an instance
 * that networknt's validator accepts; streamed deltas add up to the same reply; what the decoder
 * cannot enforce is a 400 that says where in the schema; patterns and formats hold (networknt with
 * format assertions on).
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class JsonSchemaTest {

  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final String SCHEMA =
      """
      {"type":"object","properties":{
        "name":{"type":"string","maxLength":8},
        "mood":{"enum":["happy","sad"]},
        "toys":{"type":"array","items":{"type":"string","maxLength":5},"maxItems":2},
        "age":{"anyOf":[{"type":"null"},{"enum":[1,2,3]}]}},
       "required":["name","mood","toys","age"],"additionalProperties":false}
      """;

  private static Map<String, Object> chat(Object schema, Map<String, Object> extra) {
    Map<String, Object> body =
        new HashMap<>(
            Map.of(
                "model",
                TestModel.MODEL,
                "messages",
                List.of(Map.of("role", "user", "content", "Describe a cat")),
                "max_tokens",
                300,
                "seed",
                5,
                "response_format",
                Map.of(
                    "type",
                    "json_schema",
                    "json_schema",
                    Map.of("name", "cat", "strict", true, "schema", schema))));
    body.putAll(extra);
    return body;
  }

  @Test
  void everyChoiceIsAValidInstance() throws Exception {
    JsonNode schemaNode = JACKSON.readTree(SCHEMA);
    var validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
    threeValidChoices(schemaNode, validator);

    // streamed, the deltas add up to the first choice's reply
    String sse =
        StreamingAndChatTest.post("/v1/chat/completions", chat(schemaNode, Map.of("stream", true)));
    StringBuilder streamed = new StringBuilder();
    for (JsonPath chunk : Sse.chunks(sse)) {
      String delta = chunk.getString("choices[0].delta.content");
      streamed.append(delta == null ? "" : delta);
    }
    String single =
        JsonPath.from(StreamingAndChatTest.post("/v1/chat/completions", chat(schemaNode, Map.of())))
            .getString("choices[0].message.content");
    assertEquals(single, streamed.toString());
  }

  @Test
  void completionsTakeTheSameResponseFormat() throws Exception {
    JsonNode schemaNode = JACKSON.readTree(SCHEMA);
    Map<String, Object> body = chat(schemaNode, Map.of("prompt", "Once upon a time"));
    body.remove("messages");
    JsonPath r = JsonPath.from(StreamingAndChatTest.post("/v1/completions", body));
    String text = r.getString("choices[0].text");
    assertEquals("stop", r.getString("choices[0].finish_reason"), text);
    assertEquals(
        java.util.Set.of(),
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(schemaNode)
            .validate(JACKSON.readTree(text)),
        text);
  }

  @Test
  void patternsAndFormatsAreEnforced() throws Exception {
    JsonNode schemaNode =
        JACKSON.readTree(
            """
            {"type":"object","properties":{
              "code":{"type":"string","pattern":"^[A-Z]{3}-[0-9]{2}$"},
              "born":{"type":"string","format":"date"},
              "id":{"type":"string","format":"uuid"}},
             "required":["code","born","id"],"additionalProperties":false}
            """);
    var validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                schemaNode, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    threeValidChoices(schemaNode, validator);
  }

  /** Asks for three choices; each closes ({@code stop}) and validates. */
  private static void threeValidChoices(
      JsonNode schemaNode, com.networknt.schema.JsonSchema validator) throws Exception {
    JsonPath r =
        JsonPath.from(
            StreamingAndChatTest.post("/v1/chat/completions", chat(schemaNode, Map.of("n", 3))));
    for (int i = 0; i < 3; i++) {
      String content = r.getString("choices[" + i + "].message.content");
      assertEquals("stop", r.getString("choices[" + i + "].finish_reason"), content);
      assertEquals(java.util.Set.of(), validator.validate(JACKSON.readTree(content)), content);
    }
  }

  @Test
  void anUnsupportedKeywordIsA400NamingWhereItIs() throws Exception {
    JsonNode schema =
        JACKSON.readTree(
            "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"iri\"}}}");
    given()
        .contentType(ContentType.JSON)
        .body(chat(schema, Map.of()))
        .post("/v1/chat/completions")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("response_format.json_schema.schema"))
        .body("error.message", containsString("/properties/id/format"))
        .body("error.type", equalTo("invalid_request_error"));
  }
}
