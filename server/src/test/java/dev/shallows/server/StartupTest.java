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
   * startup pipeline that must make {@code pruned-2-last} before readiness, a chat template file,
   * the {@code hermes} tool-call parser and the {@code think} reasoning parser.
   */
  public static class Profile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("shallows.model.chat-template", templateFile().toString()),
          Map.entry("shallows.model.variants-dir", TestModel.startupDir().toString()),
          Map.entry("shallows.admin.api-key", ""),
          Map.entry("shallows.api.api-key", API_KEY),
          Map.entry("shallows.startup.prune", "true"),
          Map.entry("shallows.startup.strategy", "last"),
          Map.entry("shallows.startup.n", "2"),
          // AutoToolCallsTest and ReasoningTest share this profile (one Quarkus start less)
          Map.entry("shallows.model.tool-call-parser", "hermes"),
          Map.entry("shallows.model.reasoning-parser", "think"));
    }
  }

  /** Opens a reasoning block when the request's chat_template_kwargs say {@code think}. */
  static final String TEMPLATE =
      "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}[assistant]"
          + "{% if think %}<think>\n{% endif %}";

  /** A chat template file for the profile (written here: profiles start before test resources). */
  static java.nio.file.Path templateFile() {
    try {
      java.nio.file.Path f =
          java.nio.file.Path.of("target", "test-model", "chat-template.jinja").toAbsolutePath();
      Files.createDirectories(f.getParent());
      Files.writeString(f, TEMPLATE);
      return f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aChatTemplateFileReplacesTheModelsOwn() {
    Map<String, Object> chat =
        Map.of(
            "model",
            TestModel.MODEL,
            "messages",
            java.util.List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Hi")));
    // a template writes any BOS itself (this one none), as Hugging Face renders them
    Map<String, Object> text =
        Map.of(
            "model",
            TestModel.MODEL,
            "prompt",
            "[system] Be brief.\n[user] Hi\n[assistant]",
            "add_special_tokens",
            false);
    java.util.List<Integer> rendered = tokens(chat);
    assertEquals(tokens(text), rendered);
  }

  private static java.util.List<Integer> tokens(Map<String, Object> body) {
    return given()
        .header("Authorization", "Bearer " + API_KEY)
        .contentType(io.restassured.http.ContentType.JSON)
        .body(body)
        .post("/tokenize")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("tokens", Integer.class);
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
