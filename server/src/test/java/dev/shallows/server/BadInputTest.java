package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input is a 4xx in OpenAI's error shape naming the parameter; never a 500. */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class BadInputTest {

  static final String M = "\"model\":\"stories\"";
  static final String P = "\"prompt\":\"Once\"";
  static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

  static Stream<Arguments> completions() {
    return Stream.of(
        Arguments.of("{" + M + "," + P + ",\"max_tokens\":-1}", 400, "max_tokens"),
        Arguments.of("{" + M + "," + P + ",\"max_tokens\":\"ten\"}", 400, "max_tokens"),
        Arguments.of("{" + M + "," + P + ",\"temperature\":-0.5}", 400, "temperature"),
        Arguments.of("{" + M + "," + P + ",\"temperature\":\"hot\"}", 400, "temperature"),
        Arguments.of("{" + M + "," + P + ",\"top_p\":0}", 400, "top_p"),
        Arguments.of("{" + M + "," + P + ",\"top_p\":1.5}", 400, "top_p"),
        Arguments.of("{" + M + "," + P + ",\"n\":0}", 400, "n"),
        Arguments.of("{" + M + "," + P + ",\"n\":1000}", 400, "n"),
        Arguments.of("{" + M + "," + P + ",\"presence_penalty\":3}", 400, "presence_penalty"),
        Arguments.of("{" + M + "," + P + ",\"frequency_penalty\":-2.5}", 400, "frequency_penalty"),
        Arguments.of("{" + M + "," + P + ",\"logprobs\":50}", 400, "logprobs"),
        Arguments.of("{" + M + "," + P + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400, "stop"),
        Arguments.of("{" + M + "," + P + ",\"stop\":[\"\"]}", 400, "stop"),
        Arguments.of("{" + M + "," + P + ",\"stop\":5}", 400, "stop"),
        Arguments.of("{" + M + "," + P + ",\"seed\":\"x\"}", 400, "seed"),
        Arguments.of("{" + M + "," + P + ",\"logit_bias\":{\"x\":10}}", 400, "logit_bias"),
        Arguments.of("{" + M + "," + P + ",\"stop_token_ids\":[-1]}", 400, "stop_token_ids"),
        Arguments.of("{" + M + "," + P + ",\"stop_token_ids\":[null]}", 400, "stop_token_ids"),
        Arguments.of("{" + M + "," + P + ",\"logit_bias\":{\"5\":101}}", 400, "logit_bias"),
        Arguments.of("{" + M + "," + P + ",\"logit_bias\":{\"-1\":5}}", 400, "logit_bias"),
        Arguments.of("{" + M + "," + P + ",\"allowed_token_ids\":[]}", 400, "allowed_token_ids"),
        Arguments.of(
            "{" + M + "," + P + ",\"truncate_prompt_tokens\":0}", 400, "truncate_prompt_tokens"),
        Arguments.of(
            "{" + M + "," + P + ",\"truncate_prompt_tokens\":-2}", 400, "truncate_prompt_tokens"),
        Arguments.of("{" + M + "," + P + ",\"allowed_token_ids\":[-1]}", 400, "allowed_token_ids"),
        Arguments.of(
            "{" + M + "," + P + ",\"allowed_token_ids\":[99999]}", 400, "allowed_token_ids"),
        Arguments.of("{" + M + "," + P + ",\"logit_bias\":{\"99999\":5}}", 400, "logit_bias"),
        Arguments.of("{" + M + "," + P + ",\"logit_bias\":{\"5\":null}}", 400, "logit_bias"),
        Arguments.of("{" + M + "," + P + ",\"best_of\":3}", 400, "best_of"),
        Arguments.of("{" + M + "," + P + ",\"suffix\":\"end\"}", 400, "suffix"),
        Arguments.of(
            "{" + M + "," + P + ",\"stream_options\":{\"include_usage\":true}}",
            400,
            "stream_options"),
        Arguments.of("{" + M + "," + P + ",\"top_k\":-5}", 400, "top_k"),
        Arguments.of("{" + M + "," + P + ",\"min_p\":1.5}", 400, "min_p"),
        Arguments.of("{" + M + "," + P + ",\"min_p\":-0.1}", 400, "min_p"),
        Arguments.of("{" + M + "," + P + ",\"min_tokens\":-1}", 400, "min_tokens"),
        Arguments.of("{" + M + "," + P + ",\"max_tokens\":3,\"min_tokens\":4}", 400, "min_tokens"),
        Arguments.of(
            "{" + M + "," + P + ",\"guided_regex\":\"a\",\"guided_choice\":[\"a\"]}",
            400,
            "structured_outputs"),
        Arguments.of(
            "{" + M + "," + P + ",\"structured_outputs\":{\"json\":{}}}",
            400,
            "structured_outputs.json"),
        Arguments.of(
            "{" + M + "," + P + ",\"structured_outputs\":{\"grammar\":\"root ::= x\"}}",
            400,
            "structured_outputs.grammar"),
        Arguments.of(
            "{" + M + "," + P + ",\"structured_outputs\":{\"regex\":\"(?=a)b\"}}",
            400,
            "structured_outputs.regex"),
        Arguments.of("{" + M + "," + P + ",\"structured_outputs\":[]}", 400, "structured_outputs"),
        Arguments.of("{" + M + "," + P + ",\"guided_regex\":\"[a\"}", 400, "guided_regex"),
        Arguments.of(
            "{" + M + "," + P + ",\"grammar\":\"root ::= root \\\"a\\\" | \\\"b\\\"\"}",
            400,
            "grammar"),
        Arguments.of(
            "{" + M + "," + P + ",\"guided_grammar\":\"root ::= (\"}", 400, "guided_grammar"),
        Arguments.of(
            "{" + M + "," + P + ",\"grammar\":\"root ::= \\\"a\\\"\",\"guided_regex\":\"a\"}",
            400,
            "structured_outputs"),
        Arguments.of(
            "{" + M + "," + P + ",\"structured_outputs\":{\"grammar\":1}}",
            400,
            "structured_outputs.grammar"),
        Arguments.of("{" + M + "," + P + ",\"guided_choice\":[]}", 400, "guided_choice"),
        Arguments.of("{" + M + "," + P + ",\"guided_choice\":[\"\"]}", 400, "guided_choice"),
        Arguments.of("{" + M + "," + P + ",\"guided_choice\":[1]}", 400, "guided_choice"),
        Arguments.of(
            "{"
                + M
                + ","
                + P
                + ",\"guided_regex\":\"a+\",\"response_format\":{\"type\":\"json_object\"}}",
            400,
            "structured_outputs"),
        Arguments.of("{" + M + "," + P + ",\"repetition_penalty\":0}", 400, "repetition_penalty"),
        Arguments.of(
            "{" + M + ",\"prompt\":\"" + "Once upon a time ".repeat(200) + "\"}", 400, "prompt"),
        Arguments.of("{" + M + "," + P + ",\"max_tokens\":600}", 400, "max_tokens"),
        Arguments.of("{" + M + ",\"prompt\":[1,99999]}", 400, "prompt"),
        Arguments.of("{" + M + ",\"prompt\":[1,-3]}", 400, "prompt"),
        Arguments.of("{" + M + ",\"prompt\":[]}", 400, "prompt"),
        Arguments.of("{" + M + ",\"prompt\":{\"a\":1}}", 400, "prompt"),
        Arguments.of("{" + M + "}", 400, "prompt"),
        Arguments.of("{" + P + "}", 400, "model"),
        Arguments.of("{\"model\":\"gpt-4\"," + P + "}", 404, "model"),
        Arguments.of("{\"model\":\"stories:nope\"," + P + "}", 404, "model"));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("completions")
  void completionsRejects(String body, int status, String param) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/completions")
        .then()
        .statusCode(status)
        .contentType(ContentType.JSON)
        .body("error.param", equalTo(param))
        .body("error.message", notNullValue())
        .body("error.type", notNullValue());
  }

  static Stream<Arguments> chat() {
    return Stream.of(
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ",\"structured_outputs\":{\"json_object\":true},"
                + "\"response_format\":{\"type\":\"json_object\"}}",
            400,
            "structured_outputs"),
        Arguments.of("{" + M + "," + MSG + ",\"guided_json\":\"{not json\"}", 400, "guided_json"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"guided_json\":{\"type\":\"string\"}}", 400, "guided_json"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"structured_outputs\":{\"json_object\":\"yes\"}}",
            400,
            "structured_outputs.json_object"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ",\"continue_final_message\":true,\"add_generation_prompt\":true}",
            400,
            "continue_final_message"),
        Arguments.of(
            "{"
                + M
                + ",\"messages\":[{\"role\":\"assistant\",\"content\":\" \"}],"
                + "\"continue_final_message\":true}",
            400,
            "continue_final_message"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"chat_template_kwargs\":[1]}", 400, "chat_template_kwargs"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"chat_template_kwargs\":{\"messages\":[]}}",
            400,
            "chat_template_kwargs"),
        Arguments.of("{" + M + "}", 400, "messages"),
        Arguments.of("{" + M + ",\"messages\":[]}", 400, "messages"),
        Arguments.of(
            "{" + M + ",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}",
            400,
            "messages[0].role"),
        Arguments.of("{" + M + ",\"messages\":[{\"role\":\"user\"}]}", 400, "messages[0].content"),
        Arguments.of(
            "{" + M + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}",
            400,
            "messages[0].content[0]"),
        Arguments.of("{" + M + ",\"messages\":\"hi\"}", 400, "messages"),
        Arguments.of("{" + M + "," + MSG + ",\"top_logprobs\":3}", 400, "top_logprobs"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"logprobs\":true,\"top_logprobs\":21}", 400, "top_logprobs"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"max_completion_tokens\":-2}", 400, "max_completion_tokens"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"tools\":[{\"type\":\"function\"}]}",
            400,
            "tools[0].function.name"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"tools\":[{\"type\":\"retrieval\"}]}", 400, "tools[0].type"),
        Arguments.of(
            "{" + M + "," + MSG + "," + TOOL + ",\"tool_choice\":\"auto\"}", 400, "tool_choice"),
        Arguments.of("{" + M + "," + MSG + ",\"tool_choice\":\"required\"}", 400, "tool_choice"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ","
                + TOOL
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"g\"}}}",
            400,
            "tool_choice"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(?=x)\"}}}}}]}",
            400,
            "tools[0].function.parameters"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ","
                + TOOL
                + ",\"tool_choice\":\"required\",\"response_format\":{\"type\":\"json_object\"}}",
            400,
            "response_format"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"response_format\":{\"type\":\"json_schema\"}}",
            400,
            "response_format.json_schema"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"response_format\":" + schemaFormat("\"a b\"", OBJ) + "}",
            400,
            "response_format.json_schema.name"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"response_format\":" + schemaFormat("\"x\"", "null") + "}",
            400,
            "response_format.json_schema.schema"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ",\"response_format\":"
                + schemaFormat("\"x\"", "{\"type\":\"string\"}")
                + "}",
            400,
            "response_format.json_schema.schema"),
        Arguments.of(
            "{"
                + M
                + ","
                + MSG
                + ",\"response_format\":"
                + schemaFormat("\"x\"", "{\"type\":\"object\",\"minProperties\":1}")
                + "}",
            400,
            "response_format.json_schema.schema"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"response_format\":{\"type\":\"yaml\"}}",
            400,
            "response_format.type"),
        Arguments.of(
            "{" + M + "," + MSG + ",\"response_format\":\"json\"}", 400, "response_format"),
        Arguments.of("{\"model\":\"other\"," + MSG + "}", 404, "model"));
  }

  private static final String OBJ = "{\"type\":\"object\"}";

  private static final String TOOL =
      "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";

  private static String schemaFormat(String name, String schema) {
    return "{\"type\":\"json_schema\",\"json_schema\":{\"name\":"
        + name
        + ",\"schema\":"
        + schema
        + "}}";
  }

  static Stream<Arguments> embeddings() {
    String many = "[" + "\"a\",".repeat(256) + "\"a\"]";
    return Stream.of(
        Arguments.of("{\"input\":\"a\"}", 400, "model"),
        Arguments.of("{\"model\":\"other\",\"input\":\"a\"}", 404, "model"),
        Arguments.of("{" + M + "}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":\"\"}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":[]}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":5}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":[\"a\",\"\"]}", 400, "input[1]"),
        Arguments.of("{" + M + ",\"input\":[\"a\",[]]}", 400, "input[1]"),
        Arguments.of("{" + M + ",\"input\":[\"a\",{}]}", 400, "input[1]"),
        Arguments.of("{" + M + ",\"input\":[1,99999]}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":[1,2.5]}", 400, "input"),
        Arguments.of("{" + M + ",\"input\":[[1],[-1]]}", 400, "input[1]"),
        Arguments.of("{" + M + ",\"input\":" + many + "}", 400, "input"),
        Arguments.of(
            "{" + M + ",\"input\":\"" + "Once upon a time ".repeat(200) + "\"}", 400, "input"),
        Arguments.of(
            "{" + M + ",\"input\":\"a\",\"encoding_format\":\"int8\"}", 400, "encoding_format"),
        Arguments.of("{" + M + ",\"input\":\"a\",\"dimensions\":3}", 400, "dimensions"));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("embeddings")
  void embeddingsRejects(String body, int status, String param) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/embeddings")
        .then()
        .statusCode(status)
        .body("error.param", equalTo(param))
        .body("error.message", notNullValue());
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("chat")
  void chatRejects(String body, int status, String param) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/chat/completions")
        .then()
        .statusCode(status)
        .body("error.param", equalTo(param))
        .body("error.message", notNullValue());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedBodiesAre400(String body) {
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/completions")
        .then()
        .statusCode(400)
        .body("error.type", equalTo("invalid_request_error"));
  }

  static Stream<String> malformed() {
    return Stream.of("{", "not json", "[1,2]", "{\"model\":\"stories\",\"prompt\":\"x\",}", "null");
  }

  @org.junit.jupiter.api.Test
  void unknownFieldsAreTolerated() {
    given()
        .contentType(ContentType.JSON)
        .body("{" + M + "," + P + ",\"max_tokens\":2,\"frobnicate\":true,\"metadata\":{\"a\":1}}")
        .post("/v1/completions")
        .then()
        .statusCode(200);
  }

  @org.junit.jupiter.api.Test
  void oversizedBodyIs413() {
    given()
        .contentType(ContentType.JSON)
        .body("{" + M + ",\"prompt\":\"" + "a".repeat(1_200_000) + "\"}")
        .post("/v1/completions")
        .then()
        .statusCode(413);
  }

  @org.junit.jupiter.api.Test
  void wrongMediaTypeAndUnknownPathAreJsonErrors() {
    given()
        .contentType(ContentType.TEXT)
        .body("hello")
        .post("/v1/completions")
        .then()
        .statusCode(415);
    given().get("/v1/nothing-here").then().statusCode(404);
  }
}
