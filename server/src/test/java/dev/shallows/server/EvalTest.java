package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.store.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/evals: async jobs comparing variants on the same items. */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class EvalTest {

  static JsonPath await(String id) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      JsonPath j = given().get("/v1/evals/" + id).then().statusCode(200).extract().jsonPath();
      if (List.of("succeeded", "failed", "cancelled").contains(j.getString("state"))) {
        return j;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("eval " + id + " did not finish");
  }

  static String submit(Map<String, Object> body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/evals")
        .then()
        .statusCode(202)
        .body("kind", equalTo("eval"))
        .extract()
        .path("id");
  }

  @Test
  void mmluFileComparesTwoVariants() throws Exception {
    // a layer-dropped view to compare against (no calibration needed for "last")
    given()
        .header("Authorization", "Bearer " + TestModel.ADMIN_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("strategy", "last", "n", 2, "name", "eval-last2"))
        .post("/admin/prune")
        .then()
        .statusCode(202);
    for (int i = 0; i < 100 && !given().get("/v1/models").asString().contains("eval-last2"); i++) {
      Thread.sleep(100);
    }
    String path = SharedData.resolve("mmlu/test/astronomy_test.csv").toString();
    String id =
        submit(
            Map.of(
                "task",
                "mmlu",
                "path",
                path,
                "limit",
                12,
                "shots",
                1,
                "variants",
                List.of("full", "eval-last2")));
    JsonPath r = await(id);
    assertEquals("succeeded", r.getString("state"), r.prettify());
    for (String v : List.of("full", "eval-last2")) {
      String p = "result.variants['" + v + "'].";
      int n = r.getInt(p + "n");
      assertEquals(12, n);
      double acc = r.getDouble(p + "accuracy");
      assertEquals((double) r.getInt(p + "correct") / n, acc, 1e-6);
      assertTrue(r.getDouble(p + "ci95_low") <= acc && acc <= r.getDouble(p + "ci95_high"));
      double loss = r.getDouble(p + "normalized_loss");
      assertTrue(loss > 0 && loss < 2, "normalized loss " + loss);
      assertTrue(r.getDouble(p + "tokens_per_second") > 0);
      assertTrue(r.getDouble(p + "latency_ms_per_item") > 0);
    }
    assertEquals(5, r.getInt("result.variants.full.layers"));
    assertEquals(3, r.getInt("result.variants['eval-last2'].layers"));
    assertTrue(
        r.getDouble("result.variants['eval-last2'].normalized_loss")
            != r.getDouble("result.variants.full.normalized_loss"));
    double p = r.getDouble("result.comparisons[0].mcnemar_exact_p");
    assertTrue(p >= 0 && p <= 1, r.prettify());
    assertEquals(12, r.getInt("result.comparisons[0].n"));
  }

  @Test
  void inlineItemsAndBadInput() throws Exception {
    String id =
        submit(
            Map.of(
                "items",
                List.of(
                    Map.of(
                        "question",
                        "Where did Lily play?",
                        "choices",
                        List.of("park", "moon"),
                        "answer",
                        0),
                    Map.of(
                        "question",
                        "What color was the ball?",
                        "choices",
                        List.of("red", "blue", "green"),
                        "answer",
                        0)),
                "variants",
                List.of("full")));
    JsonPath r = await(id);
    assertEquals("succeeded", r.getString("state"), r.prettify());
    assertEquals(2, r.getInt("result.variants.full.n"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("task", "mmlu"))
        .post("/v1/evals")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("dataset"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("task", "poetry", "path", "/tmp"))
        .post("/v1/evals")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("task"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("task", "mmlu", "path", "/etc/hostname"))
        .post("/v1/evals")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("path"));
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of("items", List.of(Map.of("question", "q", "choices", List.of("a"), "answer", 0))))
        .post("/v1/evals")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("items[0].choices"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("task", "loss", "path", "/x", "variants", List.of("ghost")))
        .post("/v1/evals")
        .then()
        .statusCode(400)
        .body("error.param", equalTo("variants[0]"));
    given().get("/v1/evals/nope").then().statusCode(404);
  }
}
