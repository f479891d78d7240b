package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin API end to end: auth, a real prune job while completions keep succeeding, persisted
 * variants, A/B split statistics, sticky routing, shadow agreement, heal and cancel.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminAndRoutingTest {

  static RequestSpecification admin() {
    return given().header("Authorization", "Bearer " + TestModel.ADMIN_KEY);
  }

  static JsonPath awaitJob(String id) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonPath j = admin().get("/admin/jobs/" + id).then().statusCode(200).extract().jsonPath();
      if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  static String variantOf(Map<String, Object> body, Map<String, String> headers) {
    return given()
        .contentType(ContentType.JSON)
        .headers(headers)
        .body(body)
        .post("/v1/completions")
        .then()
        .statusCode(200)
        .extract()
        .header("X-Shallows-Variant");
  }

  @Test
  @Order(1)
  void adminNeedsTheBearerKey() {
    given()
        .get("/admin/jobs")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("missing_api_key"));
    given()
        .header("Authorization", "Bearer wrong")
        .get("/admin/jobs")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
    admin().get("/admin/jobs").then().statusCode(200);
  }

  @Test
  @Order(2)
  void pruneJobWhileServing() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread traffic =
        new Thread(
            () -> {
              while (!stop.get()) {
                statuses.add(
                    given()
                        .contentType(ContentType.JSON)
                        .body(Map.of("model", TestModel.MODEL, "prompt", "Once", "max_tokens", 8))
                        .post("/v1/completions")
                        .statusCode());
              }
            });
    traffic.start();
    String id =
        admin()
            .contentType(ContentType.JSON)
            .body(Map.of("strategy", "angular", "n", 1, "calibration_samples", 8))
            .post("/admin/prune")
            .then()
            .statusCode(202)
            .body("kind", equalTo("prune"))
            .extract()
            .path("id");
    JsonPath job = awaitJob(id);
    Thread.sleep(200);
    stop.set(true);
    traffic.join();
    assertEquals("succeeded", job.getString("state"), job.prettify());
    assertEquals("pruned-1", job.getString("result.variant"));
    assertEquals(1, job.getList("result.removed_layers").size());
    assertEquals(4, job.getList("result.kept_layers").size());
    assertFalse(statuses.isEmpty());
    assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
    given().get("/v1/models").then().body("data.id", hasItem("stories:pruned-1"));
    assertEquals(
        "pruned-1",
        variantOf(Map.of("model", "stories:pruned-1", "prompt", "Hi", "max_tokens", 3), Map.of()));
    // the SSE progress stream of a finished job: its state, then the end event
    String events =
        admin().get("/admin/jobs/" + id + "/events").then().statusCode(200).extract().asString();
    assertTrue(events.contains("event: end") && events.contains("\"state\":\"succeeded\""), events);
    // a second prune to the same name is refused
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("strategy", "angular", "n", 1))
        .post("/admin/prune")
        .then()
        .statusCode(409);
  }

  @Test
  @Order(3)
  void variantPersistsAndReloadsFromItsManifest() {
    JsonPath vs = admin().get("/admin/variants").then().statusCode(200).extract().jsonPath();
    assertEquals(Boolean.TRUE, vs.get("find { it.name == 'pruned-1' }.shares_parent_weights"));
    List<Integer> kept = vs.getList("find { it.name == 'pruned-1' }.manifest.kept_layers");
    admin().post("/admin/variants/pruned-1/unload").then().statusCode(200);
    given().get("/v1/models").then().body("data.id", not(hasItem("stories:pruned-1")));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", "stories:pruned-1", "prompt", "Hi"))
        .post("/v1/completions")
        .then()
        .statusCode(404);
    admin()
        .post("/admin/variants/pruned-1/load")
        .then()
        .statusCode(200)
        .body("layers", equalTo(kept));
    admin().post("/admin/variants/full/unload").then().statusCode(409);
    admin().post("/admin/variants/nope/load").then().statusCode(404);
  }

  @Test
  @Order(4)
  void abSplitIsRespectedAndStickyPerUser() {
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("split", Map.of("full", 50, "pruned-1", 50)))
        .put("/admin/routing")
        .then()
        .statusCode(200)
        .body("split.full", equalTo(50.0f));
    int full = 0;
    int total = 200;
    for (int i = 0; i < total; i++) {
      String v =
          variantOf(
              Map.of(
                  "model", TestModel.MODEL, "prompt", "Hi", "max_tokens", 1, "user", "user-" + i),
              Map.of());
      full += v.equals("full") ? 1 : 0;
    }
    // Binomial(200, 0.5): sd ~7.1; 100 +- 30 is over 4 sd
    assertTrue(full > 70 && full < 130, "full served " + full + " of " + total);
    String first =
        variantOf(
            Map.of("model", TestModel.MODEL, "prompt", "Hi", "max_tokens", 1, "user", "alice"),
            Map.of());
    for (int i = 0; i < 15; i++) {
      assertEquals(
          first,
          variantOf(
              Map.of("model", TestModel.MODEL, "prompt", "Hi", "max_tokens", 1, "user", "alice"),
              Map.of()));
    }
    String bySession =
        variantOf(
            Map.of("model", TestModel.MODEL, "prompt", "Hi", "max_tokens", 1),
            Map.of("X-Session-Id", "s-1"));
    for (int i = 0; i < 10; i++) {
      assertEquals(
          bySession,
          variantOf(
              Map.of("model", TestModel.MODEL, "prompt", "Hi", "max_tokens", 1),
              Map.of("X-Session-Id", "s-1")));
    }
    // 90/10 shifts the balance without a restart
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("split", Map.of("full", 90, "pruned-1", 10)))
        .put("/admin/routing")
        .then()
        .statusCode(200);
    int full90 = 0;
    for (int i = 0; i < total; i++) {
      full90 +=
          variantOf(
                      Map.of(
                          "model",
                          TestModel.MODEL,
                          "prompt",
                          "Hi",
                          "max_tokens",
                          1,
                          "user",
                          "u" + i),
                      Map.of())
                  .equals("full")
              ? 1
              : 0;
    }
    assertTrue(full90 > 160, "90/10 split served full " + full90 + " of " + total);
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("split", Map.of("full", 100, "ghost", 1)))
        .put("/admin/routing")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("split.ghost"));
  }

  @Test
  @Order(5)
  void shadowModeRecordsAgreement() {
    Map<String, Object> routing = new HashMap<>();
    routing.put("split", Map.of("full", 100));
    routing.put("shadow", "pruned-1");
    admin()
        .contentType(ContentType.JSON)
        .body(routing)
        .put("/admin/routing")
        .then()
        .statusCode(200);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          "full",
          variantOf(
              Map.of(
                  "model",
                  TestModel.MODEL,
                  "prompt",
                  "Once upon a time",
                  "max_tokens",
                  8,
                  "temperature",
                  0),
              Map.of()));
    }
    String metrics = "";
    for (int i = 0;
        i < 50
            && !metrics.contains(
                "shallows_shadow_agreement_count{metric=\"exact_match\",primary=\"full\",shadow=\"pruned-1\"}");
        i++) {
      metrics = given().get("/q/metrics").then().extract().asString();
    }
    assertTrue(
        metrics.contains(
            "shallows_shadow_agreement_count{metric=\"token_overlap\",primary=\"full\",shadow=\"pruned-1\"}"),
        metrics);
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("split", Map.of("full", 100)))
        .put("/admin/routing")
        .then()
        .statusCode(200);
  }

  @Test
  @Order(6)
  void healJobMakesAHealedVariantAndCancelStopsAQueuedJob() throws Exception {
    Map<String, Object> heal = Map.of("steps", 3, "batch_size", 2, "seq_len", 32, "rank", 4);
    String id =
        admin()
            .contentType(ContentType.JSON)
            .body(Map.of("strategy", "last", "n", 2, "name", "cut2", "heal", heal))
            .post("/admin/prune")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    String queued =
        admin()
            .contentType(ContentType.JSON)
            .body(Map.of("strategy", "last", "n", 3, "name", "never"))
            .post("/admin/prune")
            .then()
            .statusCode(202)
            .extract()
            .path("id");
    admin().delete("/admin/jobs/" + queued).then().statusCode(202);
    JsonPath job = awaitJob(id);
    assertEquals("succeeded", job.getString("state"), job.prettify());
    assertEquals("cut2-healed", job.getString("result.healed_variant"));
    assertTrue(job.getDouble("metrics.loss") > 0);
    assertEquals("cancelled", awaitJob(queued).getString("state"));
    given().get("/v1/models").then().body("data.id", hasItem("stories:cut2-healed"));
    JsonPath vs = admin().get("/admin/variants").then().extract().jsonPath();
    assertEquals(Boolean.FALSE, vs.get("find { it.name == 'cut2-healed' }.shares_parent_weights"));
    assertEquals(Boolean.TRUE, vs.get("find { it.name == 'cut2' }.shares_parent_weights"));
    assertEquals(
        "cut2-healed",
        variantOf(
            Map.of("model", "stories:cut2-healed", "prompt", "Hi", "max_tokens", 3), Map.of()));
    admin().delete("/admin/variants/cut2-healed").then().statusCode(200);
    admin().delete("/admin/variants/cut2-healed").then().statusCode(404);
    admin().get("/admin/jobs/" + queued).then().statusCode(200);
    admin().delete("/admin/jobs/" + queued).then().statusCode(409);
  }

  @Test
  @Order(7)
  void badAdminInputIs4xx() {
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 9))
        .post("/admin/prune")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("n"));
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 1, "fraction", 0.2))
        .post("/admin/prune")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("n"));
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 1, "strategy", "magic"))
        .post("/admin/prune")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("strategy"));
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 1, "calibration_data", "/etc/passwd"))
        .post("/admin/prune")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("calibration_data"));
    admin()
        .contentType(ContentType.JSON)
        .body(Map.of("n", 1, "name", "../evil"))
        .post("/admin/prune")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("name"));
    admin().get("/admin/jobs/nope").then().statusCode(404);
  }
}
