package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Admin auth edge cases (the key is configured in this profile). */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class ApiKeyFilterTest {

  @Test
  void lowercaseBearerSchemeIsAccepted() {
    given()
        .header("Authorization", "bearer " + TestModel.ADMIN_KEY)
        .get("/admin/routing")
        .then()
        .statusCode(200);
  }

  @Test
  void basicAuthIsRefused() {
    given()
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .get("/admin/routing")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .body("error.code", equalTo("missing_api_key"));
  }

  @Test
  void openAiEndpointsNeedNoKeyUnlessConfigured() {
    given().get("/v1/models").then().statusCode(200);
  }
}
