package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.store.SharedData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /v1/completions on the real stories260K: golden output, stops, seeds, logprobs and echo. */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class CompletionsTest {

  static JsonPath complete(Map<String, Object> body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/completions")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /**
   * ignore_eos: with EOS forced by logit_bias the reply stops at once, unless EOS is ignored; a
   * token in stop_token_ids stops it the same way, and min_tokens holds both off.
   */
  @Test
  void ignoreEosGeneratesPastTheEndOfSequence() {
    Map<String, Object> body =
        new java.util.HashMap<>(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                12,
                "temperature",
                0,
                "logit_bias",
                Map.of("2", 100))); // 2 = stories260K's </s>
    JsonPath stopped = complete(body);
    assertEquals("stop", stopped.getString("choices[0].finish_reason"));
    assertEquals(1, stopped.getInt("usage.completion_tokens")); // the EOS itself
    body.put("ignore_eos", true);
    JsonPath ignored = complete(body);
    assertEquals("length", ignored.getString("choices[0].finish_reason"));
    assertEquals(12, ignored.getInt("usage.completion_tokens"));
    // stop_token_ids: a token forced the same way ends the reply, its text left out
    body.put("logit_bias", Map.of("300", 100));
    assertEquals(12, complete(body).getInt("usage.completion_tokens"));
    body.put("stop_token_ids", List.of(300));
    JsonPath stoppedById = complete(body);
    assertEquals("stop", stoppedById.getString("choices[0].finish_reason"));
    assertEquals(1, stoppedById.getInt("usage.completion_tokens"));
    assertEquals("", stoppedById.getString("choices[0].text"));
    // min_tokens: the forced stop token cannot end the reply before 4 tokens
    body.put("min_tokens", 4);
    JsonPath atLeast = complete(body);
    assertEquals("stop", atLeast.getString("choices[0].finish_reason"));
    assertEquals(5, atLeast.getInt("usage.completion_tokens")); // 4, then the stop token
  }

  /** llama2.c's run.c reference (-t 0 -n 64 -i PROMPT), byte for byte, through HTTP. */
  @Test
  void greedyMatchesLlama2cReference() throws Exception {
    String ref =
        Files.readString(SharedData.resolve("llama2c/expected_greedy_prompts_64steps.txt"));
    Matcher m =
        Pattern.compile("### \\./run .* -n (\\d+) -i \"(.*)\"\\n(.*?)\\n### end", Pattern.DOTALL)
            .matcher(ref);
    int cases = 0;
    while (m.find()) {
      int steps = Integer.parseInt(m.group(1));
      String prompt = m.group(2);
      JsonPath probe =
          complete(Map.of("model", TestModel.MODEL, "prompt", prompt, "max_tokens", 0));
      int promptTokens = probe.getInt("usage.prompt_tokens"); // BOS + prompt
      JsonPath r =
          complete(
              Map.of(
                  "model",
                  TestModel.MODEL,
                  "prompt",
                  prompt,
                  "temperature",
                  0,
                  "max_tokens",
                  steps - (promptTokens - 1)));
      assertEquals(m.group(3), prompt + r.getString("choices[0].text"), prompt);
      assertEquals("text_completion", r.getString("object"));
      assertEquals("full", r.getString("variant"));
      cases++;
    }
    assertTrue(cases > 0);
  }

  @Test
  void responseShapeUsageAndVariantHeader() {
    given()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon",
                "max_tokens",
                5,
                "n",
                2,
                "temperature",
                0))
        .post("/v1/completions")
        .then()
        .statusCode(200)
        .header("X-Shallows-Variant", "full")
        .body("id", notNullValue())
        .body("model", equalTo(TestModel.MODEL))
        .body("choices", hasSize(2))
        .body("choices[1].index", equalTo(1))
        .body("choices[0].finish_reason", equalTo("length"))
        .body("choices[0].logprobs", nullValue())
        .body("usage.completion_tokens", equalTo(10))
        .body("usage.prompt_tokens", equalTo(3)) // BOS, "▁Once", "▁upon": counted once
        .body("usage.total_tokens", equalTo(13));
  }

  @Test
  void promptListGivesOneChoicePerPrompt() {
    JsonPath r =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                List.of("Once upon a time", "The cat"),
                "max_tokens",
                4,
                "temperature",
                0));
    assertEquals(2, r.getList("choices").size());
    String a =
        complete(
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "prompt",
                    "The cat",
                    "max_tokens",
                    4,
                    "temperature",
                    0))
            .getString("choices[0].text");
    assertEquals(a, r.getString("choices[1].text"));
  }

  @Test
  void stopSequenceEndsTheTextBeforeIt() {
    String full =
        complete(
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "prompt",
                    "Once upon a time",
                    "max_tokens",
                    40,
                    "temperature",
                    0))
            .getString("choices[0].text");
    int at = full.indexOf("Lily");
    assertTrue(at > 0, full);
    JsonPath r =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                40,
                "temperature",
                0,
                "stop",
                List.of("Lily", "zzz")));
    assertEquals(full.substring(0, at), r.getString("choices[0].text"));
    assertEquals("stop", r.getString("choices[0].finish_reason"));
    // include_stop_str_in_output (vLLM's): the stop string ends the text
    JsonPath kept =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                40,
                "temperature",
                0,
                "stop",
                List.of("Lily", "zzz"),
                "include_stop_str_in_output",
                true));
    assertEquals(full.substring(0, at) + "Lily", kept.getString("choices[0].text"));
  }

  /** The ids /tokenize gives {@code text} (BOS first when {@code special}). */
  static List<Integer> tokenize(String text, boolean special) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("model", TestModel.MODEL, "prompt", text, "add_special_tokens", special))
        .post("/tokenize")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("tokens", Integer.class);
  }

  @Test
  void truncatePromptTokensKeepsTheLastOnes() {
    String text = "Once upon a time, there was a little girl named Lily. She liked to play";
    List<Integer> ids = tokenize(text, true);
    JsonPath cut =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                text,
                "max_tokens",
                8,
                "temperature",
                0,
                "truncate_prompt_tokens",
                6));
    JsonPath last =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                ids.subList(ids.size() - 6, ids.size()),
                "max_tokens",
                8,
                "temperature",
                0));
    assertEquals(6, cut.getInt("usage.prompt_tokens"));
    assertEquals(last.getString("choices[0].text"), cut.getString("choices[0].text"));
  }

  @Test
  void onlyAllowedTokenIdsAreGenerated() {
    List<Integer> ids = tokenize(" dog cat", false);
    JsonPath r =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                12,
                "seed",
                1,
                "allowed_token_ids",
                ids,
                "logprobs",
                0));
    List<String> pieces = new java.util.ArrayList<>();
    for (int id : ids) {
      pieces.add(
          given()
              .contentType(ContentType.JSON)
              .body(Map.of("model", TestModel.MODEL, "tokens", List.of(id)))
              .post("/detokenize")
              .jsonPath()
              .getString("prompt"));
    }
    List<String> tokens = r.getList("choices[0].logprobs.tokens", String.class);
    assertEquals(12, tokens.size());
    for (String t : tokens) { // a lone token decodes without its leading space
      assertTrue(pieces.contains(t.strip()), "'" + t + "' is not one of " + pieces);
    }
  }

  @Test
  void seedReproducesAndDifferentSeedsDiffer() {
    Map<String, Object> body =
        Map.of(
            "model",
            TestModel.MODEL,
            "prompt",
            "Once upon a time",
            "max_tokens",
            30,
            "temperature",
            1.0,
            "seed",
            42);
    String a = complete(body).getString("choices[0].text");
    String b = complete(body).getString("choices[0].text");
    assertEquals(a, b);
    String c =
        complete(
                Map.of(
                    "model",
                    TestModel.MODEL,
                    "prompt",
                    "Once upon a time",
                    "max_tokens",
                    30,
                    "temperature",
                    1.0,
                    "seed",
                    7))
            .getString("choices[0].text");
    assertNotEquals(a, c);
  }

  /**
   * echo + logprobs: prompt tokens first (the first has a null logprob), then the completion; the
   * greedy token is the top alternative; logprobs of the echoed prompt equal those of a separate
   * request's generated tokens (log-likelihood evals depend on this).
   */
  @Test
  void echoWithPromptLogprobs() {
    JsonPath g =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                6,
                "temperature",
                0,
                "logprobs",
                2));
    String gen = g.getString("choices[0].text");
    List<Float> genLp = g.getList("choices[0].logprobs.token_logprobs", Float.class);
    JsonPath e =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time" + gen,
                "max_tokens",
                0,
                "echo",
                true,
                "logprobs",
                1));
    List<String> toks = e.getList("choices[0].logprobs.tokens");
    List<Float> lps = e.getList("choices[0].logprobs.token_logprobs", Float.class);
    int promptTokens = e.getInt("usage.prompt_tokens");
    assertEquals(promptTokens, toks.size());
    assertNull(lps.get(0));
    assertEquals("Once upon a time" + gen, e.getString("choices[0].text"));
    // token texts after BOS spell the echoed text exactly
    assertEquals("Once upon a time" + gen, String.join("", toks.subList(1, toks.size())));
    // the last 6 prompt-token logprobs are the greedy generation's own
    for (int i = 0; i < 6; i++) {
      assertEquals(genLp.get(i), lps.get(promptTokens - 6 + i), 1e-4, "token " + i);
    }
    List<Map<String, Float>> top = g.getList("choices[0].logprobs.top_logprobs");
    for (int i = 0; i < top.size(); i++) {
      float best = top.get(i).values().stream().max(Float::compare).orElseThrow();
      assertEquals(best, genLp.get(i), 1e-6, "greedy picks the top token");
    }
    List<Integer> offsets = g.getList("choices[0].logprobs.text_offset");
    assertEquals("Once upon a time".length(), offsets.get(0));
  }

  @Test
  void tokenIdPromptsAreAccepted() {
    JsonPath byText =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                "Once upon a time",
                "max_tokens",
                0,
                "echo",
                true,
                "logprobs",
                0));
    int n = byText.getInt("usage.prompt_tokens");
    assertTrue(n > 2);
    JsonPath r =
        complete(
            Map.of(
                "model",
                TestModel.MODEL,
                "prompt",
                List.of(1, 403, 407),
                "max_tokens",
                3,
                "temperature",
                0));
    assertEquals(3, r.getInt("usage.prompt_tokens"));
  }

  @Test
  void logitBiasForcesAToken() {
    List<List<String>> forced = new java.util.ArrayList<>();
    for (String id : List.of("403", "407")) {
      JsonPath r =
          complete(
              Map.of(
                  "model",
                  TestModel.MODEL,
                  "prompt",
                  "Once upon a time",
                  "max_tokens",
                  4,
                  "temperature",
                  0,
                  "logprobs",
                  0,
                  "logit_bias",
                  Map.of(id, 100)));
      List<String> tokens = r.getList("choices[0].logprobs.tokens");
      assertEquals(4, tokens.size());
      assertEquals(1, new java.util.HashSet<>(tokens).size(), "one forced token: " + tokens);
      forced.add(tokens);
    }
    assertTrue(!forced.get(0).get(0).equals(forced.get(1).get(0)), "two ids, two tokens");
  }
}
