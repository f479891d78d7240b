package dev.shallows.engine.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.generate.Stories260K;
import dev.shallows.store.SharedData;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained stories260K (llama2.c, imported to HF layout) on DjlDecoder against
 * llama2.c's own outputs in {@code reference_stories260K_greedy256.json}: the logits after BOS
 * within 1e-4, and the 256 greedy tokens exactly (exercising the KV cache over 256 positions).
 */
class DjlStories260KTest {

  private static JsonNode reference() throws IOException {
    return new ObjectMapper()
        .readTree(SharedData.resolve("llama2c/reference_stories260K_greedy256.json").toFile());
  }

  @Test
  void firstStepLogitsMatchLlama2c() throws IOException {
    JsonNode ref = reference();
    try (DjlDecoder dec = new DjlDecoder(Stories260K.weights(), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(8)) {
      float[] logits = dec.prefill(s, new int[] {1}, false)[0];
      double worst = 0;
      for (JsonNode pair : ref.get("bos_logits_top5")) {
        int id = pair.get(0).asInt();
        double expected = pair.get(1).asDouble();
        assertEquals(expected, logits[id], 1e-4, "logit of token " + id);
        worst = Math.max(worst, Math.abs(expected - logits[id]));
      }
      JsonNode first8 = ref.get("bos_logits_first8");
      for (int i = 0; i < first8.size(); i++) {
        assertEquals(first8.get(i).asDouble(), logits[i], 1e-4, "logit of token " + i);
        worst = Math.max(worst, Math.abs(first8.get(i).asDouble() - logits[i]));
      }
      assertEquals(ref.get("bos_logits_top5").get(0).get(0).asInt(), argmax(logits));
      System.out.printf("stories260K BOS logits: worst abs error %.2e (tolerance 1e-4)%n", worst);
    }
  }

  @Test
  void greedyTokensMatchLlama2c() throws IOException {
    JsonNode ids = reference().get("greedy_tokens_from_bos");
    int[] expected = new int[ids.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = ids.get(i).asInt();
    }
    int[] got = new int[expected.length];
    got[0] = 1; // BOS
    try (DjlDecoder dec = new DjlDecoder(Stories260K.weights(), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(expected.length)) {
      got[1] = argmax(dec.prefill(s, new int[] {1}, false)[0]);
      for (int i = 2; i < expected.length; i++) {
        got[i] = argmax(dec.decode(List.of(s), new int[] {got[i - 1]})[0]);
      }
    }
    assertArrayEquals(expected, got);
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
