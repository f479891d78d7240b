package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Startup pipeline, persisted variants on restart, no admin key, and an API key on /v1. */
@QuarkusTest
@TestProfile(StartupTest.Profile.class)
@QuarkusTestResource(TestModel.class)
class StartupTest {

  static final String API_KEY = "client-key";

  /**
   * The second (and last) test profile: no admin key, an API key on /v1, a variants directory that
   * already holds {@code pruned-1-last} (left by {@link TestModel}, as a previous run would), and a
   * startup pipeline that must make {@code pruned-2-last} before readiness, the {@code hermes}
   * tool-call parser and the {@code think} reasoning parser.
   */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "shallows.model.variants-dir", TestModel.startupDir().toString(),
          "shallows.admin.api-key", "",
          "shallows.api.api-key", API_KEY,
          "shallows.startup.prune", "true",
          "shallows.startup.strategy", "last",
          "shallows.startup.n", "2",
          // AutoToolCallsTest and ReasoningTest share this profile (one Quarkus start less)
          "shallows.model.tool-call-parser", "hermes",
          "shallows.model.reasoning-parser", "think");
    }
  }

  @Test
  void startupPrunesMissingVariantAndLoadsPersistedOne() throws Exception {
    for (int i = 0; i < 300 && given().get("/q/health/ready").statusCode() != 200; i++) {
      Thread.sleep(100);
    }
    given().get("/q/health/ready").then().statusCode(200);
    given()
        .header("Authorization", "Bearer " + API_KEY)
        .get("/v1/models")
        .then()
        .statusCode(200)
        .body("data.id", hasItem("stories:pruned-1-last"))
        .body("data.id", hasItem("stories:pruned-2-last"))
        .body(
            "data.find { it.id == 'stories:pruned-2-last' }.layers",
            equalTo(java.util.List.of(0, 1, 4)));
    // the persisted variant was loaded, not rewritten: its manifest predates the server
    FileTime manifest =
        Files.getLastModifiedTime(
            TestModel.startupDir().resolve("pruned-1-last/shallows-variant.json"));
    FileTime computed =
        Files.getLastModifiedTime(
            TestModel.startupDir().resolve("pruned-2-last/shallows-variant.json"));
    assertEquals(-1, manifest.compareTo(computed));
  }

  @Test
  void apiKeyIsRequiredWhenConfiguredAndAdminIsRefusedWithoutOne() {
    given().get("/v1/models").then().statusCode(401).body("error.code", equalTo("missing_api_key"));
    given()
        .header("Authorization", "Bearer nope")
        .get("/v1/models")
        .then()
        .statusCode(401)
        .body("error.code", equalTo("invalid_api_key"));
    given()
        .header("Authorization", "Bearer anything")
        .get("/admin/jobs")
        .then()
        .statusCode(403)
        .body("error.code", equalTo("admin_disabled"));
  }
}
