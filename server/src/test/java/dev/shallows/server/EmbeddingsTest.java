package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.ReferenceLlama;
import dev.shallows.store.Checkpoint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/embeddings}: the vector is the double-precision reference model's last-token
 * final hidden state, normalized; inputs keep their order; a text and its token ids agree; base64
 * carries the same floats; the variant is the full model unless one is named.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class EmbeddingsTest {

  private static JsonPath embed(Map<String, Object> body) {
    return JsonPath.from(
        given()
            .contentType(ContentType.JSON)
            .body(body)
            .post("/v1/embeddings")
            .then()
            .statusCode(200)
            .header("X-Shallows-Variant", equalTo("full"))
            .extract()
            .asString());
  }

  @Test
  void theEmbeddingIsTheReferenceModelsNormalizedLastHiddenState() throws Exception {
    JsonPath r = embed(Map.of("model", TestModel.MODEL, "input", "Once upon a time"));
    assertEquals("list", r.getString("object"));
    assertEquals("embedding", r.getString("data[0].object"));
    assertEquals("full", r.getString("variant"));
    List<Float> got = r.getList("data[0].embedding", Float.class);
    List<Integer> ids =
        JsonPath.from(
                StreamingAndChatTest.post(
                    "/tokenize", Map.of("model", TestModel.MODEL, "prompt", "Once upon a time")))
            .getList("tokens", Integer.class);
    assertEquals(ids.size(), r.getInt("usage.prompt_tokens"));
    double[] expected = reference(ids.stream().mapToInt(Integer::intValue).toArray());
    assertEquals(expected.length, got.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], got.get(i), 1e-4, "dimension " + i);
    }
  }

  @Test
  void batchesKeepTheirOrderAndTokenIdsGiveWhatTheirTextGives() {
    List<Integer> ids =
        JsonPath.from(
                StreamingAndChatTest.post(
                    "/tokenize", Map.of("model", TestModel.MODEL, "prompt", "Lily")))
            .getList("tokens", Integer.class);
    JsonPath r =
        embed(
            Map.of(
                "model",
                TestModel.MODEL,
                "input",
                List.of("Lily", "The dog was", "Lily"),
                "encoding_format",
                "float"));
    assertEquals(3, r.getList("data").size());
    for (int i = 0; i < 3; i++) {
      assertEquals(i, r.getInt("data[" + i + "].index"));
    }
    List<Float> a = r.getList("data[0].embedding", Float.class);
    assertEquals(a, r.getList("data[2].embedding", Float.class));
    assertTrue(!a.equals(r.getList("data[1].embedding", Float.class)));
    JsonPath byIds = embed(Map.of("model", TestModel.MODEL, "input", List.of(ids)));
    List<Float> fromIds = byIds.getList("data[0].embedding", Float.class);
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i), fromIds.get(i), 1e-6);
    }
    JsonPath b64 =
        embed(Map.of("model", TestModel.MODEL, "input", "Lily", "encoding_format", "base64"));
    ByteBuffer bytes =
        ByteBuffer.wrap(Base64.getDecoder().decode(b64.getString("data[0].embedding")))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(4 * a.size(), bytes.remaining());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i), bytes.getFloat(), 1e-6);
    }
  }

  private static double[] reference(int[] tokens) throws Exception {
    try (Checkpoint ck = Checkpoint.open(Path.of("target", "test-model", "stories260K"))) {
      return new ReferenceLlama(ck).embedding(tokens);
    }
  }
}
