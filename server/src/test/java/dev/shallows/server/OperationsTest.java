package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, metrics, OpenAPI and back-pressure (429 + Retry-After). */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class OperationsTest {

  @Test
  void versionIsTheBuildsVersion() {
    given()
        .get("/version")
        .then()
        .statusCode(200)
        .body("version", org.hamcrest.Matchers.matchesPattern("\\d+\\.\\d+\\.\\d+.*"));
  }

  @Test
  void healthChecksAreModelAware() {
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.find { it.name == 'model' }.data.model", equalTo(TestModel.MODEL))
        .body("checks.find { it.name == 'model' }.data.variants", containsString("full"));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
  }

  @Test
  void metricsHavePerVariantLabels() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", TestModel.MODEL, "prompt", "Once", "max_tokens", 4))
        .post("/v1/completions")
        .then()
        .statusCode(200);
    String m = given().get("/q/metrics").then().statusCode(200).extract().asString();
    for (String name :
        new String[] {
          "shallows_requests_total{endpoint=\"completions\",variant=\"full\"}",
          "shallows_time_to_first_token_seconds_count{variant=\"full\"}",
          "shallows_inter_token_latency_seconds_count{variant=\"full\"}",
          "shallows_tokens_per_second_count{variant=\"full\"}",
          "shallows_queue_depth{variant=\"full\"}",
          "shallows_active_sequences{variant=\"full\"}",
          "shallows_batch_size{variant=\"full\"}",
          "shallows_kv_cache_bytes{variant=\"full\"}",
          "shallows_prefill_tokens_total{variant=\"full\"}",
          "shallows_prompt_cache_hits_total{variant=\"full\"}",
          "shallows_jobs_running",
          "shallows_job_progress"
        }) {
      assertTrue(m.contains(name), name + " missing");
    }
  }

  @Test
  void openApiDescribesEveryEndpoint() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.keySet()", hasItem("/v1/completions"))
        .body("paths.keySet()", hasItem("/v1/chat/completions"))
        .body("paths.keySet()", hasItem("/v1/models"))
        .body("paths.keySet()", hasItem("/admin/prune"))
        .body("paths.keySet()", hasItem("/admin/routing"))
        .body("components.schemas.CompletionRequest.properties.max_tokens.type", equalTo("integer"))
        .body(
            "components.schemas.ChatCompletionRequest.properties.top_logprobs.type",
            equalTo("integer"));
  }

  /** n=8 long choices on a batch of 2 with a queue of 4: the 7th cannot be queued. */
  @Test
  void fullQueueIs429WithRetryAfter() {
    Response r =
        given()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "model",
                    TestModel.MODEL + ":full",
                    "prompt",
                    "Once",
                    "max_tokens",
                    400,
                    "n",
                    8))
            .post("/v1/completions");
    assertEquals(429, r.statusCode(), r.asString());
    assertEquals("1", r.header("Retry-After"));
    assertEquals("rate_limit_exceeded", r.jsonPath().getString("error.type"));
    // the refused request's queued choices were aborted: the server serves again at once
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", TestModel.MODEL, "prompt", "Once", "max_tokens", 2))
        .post("/v1/completions")
        .then()
        .statusCode(200);
  }
}
