package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.cpu.CpuDecoder;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import dev.shallows.store.SharedData;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * stories260K end to end on narrow weights: BF16 greedy output follows llama2.c's reference (200
 * tokens from BOS) for at least the first 100 tokens (the first divergence is printed: rounding to
 * BF16 moves logits by up to ~0.2, enough to flip a near tie late in the text), and every format's
 * logits along the reference greedy path stay close to the F32 decoder's (max |Δlogit| printed).
 */
class NarrowWeightsGoldenTest {

  @Test
  void bf16GreedyMatchesLlama2c() throws IOException {
    int[] want = referenceTokens(200);
    try (Decoder d = new CpuDecoder(Stories260K.weights(), WeightFormat.BF16)) {
      int[] got = GoldenGenerationTest.runLikeRunC(d, "", 200).tokenIds();
      int same = 0;
      while (same < Math.min(got.length, want.length) && got[same] == want[same]) {
        same++;
      }
      System.out.printf("stories260K BF16 greedy: first %d of 200 tokens equal llama2.c's%n", same);
      assertTrue(same >= 100, "BF16 greedy diverged at token " + same);
      assertArrayEquals(Arrays.copyOf(want, 100), Arrays.copyOf(got, 100));
    }
  }

  @Test
  void logitsAlongReferencePathStayNearF32() throws IOException {
    int[] path = referencePath();
    float[][] base = logits(WeightFormat.F32, path);
    // F32 (thread split order), BF16, INT8; NF4 is only reported here: on this 260K-parameter
    // model it moves logits by several units (its cost is measured as loss in the pruning module)
    double[] bound = {1e-3, 0.5, 1.0, Double.POSITIVE_INFINITY};
    for (WeightFormat f : WeightFormat.values()) {
      float[][] got = logits(f, path);
      double max = 0;
      int agree = 0;
      for (int p = 0; p < got.length; p++) {
        for (int v = 0; v < got[p].length; v++) {
          max = Math.max(max, Math.abs(got[p][v] - base[p][v]));
        }
        agree += argmax(got[p]) == argmax(base[p]) ? 1 : 0;
      }
      System.out.printf(
          "stories260K %s: max |logit - F32| %.4f over %d positions; argmax agrees at %d%n",
          f, max, got.length, agree);
      assertTrue(max <= bound[f.ordinal()], f + ": logits moved by " + max);
    }
  }

  @Test
  void nf4OneTokenDecodeStaysNearItsPrefill() throws IOException {
    // decode steps run NF4's one-row kernel, which multiplies int8-quantized activations; prefill
    // multiplies F32 activations: the quantization must not change the greedy path much
    int[] path = referencePath();
    float[][] base = logits(WeightFormat.F32, path);
    float[][] prefilled = logits(WeightFormat.NF4, path);
    float[][] stepped = new float[path.length - 1][];
    try (Decoder d = new CpuDecoder(Stories260K.weights(), WeightFormat.NF4);
        SequenceState s = d.newSequence(path.length)) {
      for (int p = 0; p < stepped.length; p++) {
        stepped[p] = d.decode(java.util.List.of(s), new int[] {path[p]})[0];
      }
    }
    int agreeF32 = 0;
    int agreePrefill = 0;
    int prefillAgreesF32 = 0;
    double max = 0;
    for (int p = 0; p < stepped.length; p++) {
      agreeF32 += argmax(stepped[p]) == argmax(base[p]) ? 1 : 0;
      agreePrefill += argmax(stepped[p]) == argmax(prefilled[p]) ? 1 : 0;
      prefillAgreesF32 += argmax(prefilled[p]) == argmax(base[p]) ? 1 : 0;
      for (int v = 0; v < stepped[p].length; v++) {
        max = Math.max(max, Math.abs(stepped[p][v] - prefilled[p][v]));
      }
    }
    System.out.printf(
        "stories260K NF4 one token at a time: argmax agrees with F32 at %d (prefill: %d), with NF4"
            + " prefill at %d; max |logit - prefill| %.4f%n",
        agreeF32, prefillAgreesF32, agreePrefill, max);
    assertTrue(
        agreePrefill >= 180, "int8 activations moved NF4's argmax at " + (200 - agreePrefill));
    assertTrue(agreeF32 >= prefillAgreesF32 - 10, "one-token NF4 much further from F32");
  }

  /** BOS, then llama2.c's 200 greedy tokens. */
  private static int[] referencePath() throws IOException {
    int[] path = new int[201];
    path[0] = Stories260K.tokenizer().bosId();
    System.arraycopy(referenceTokens(200), 0, path, 1, 200);
    return path;
  }

  private static float[][] logits(WeightFormat f, int[] path) {
    try (Decoder d = new CpuDecoder(Stories260K.weights(), f);
        SequenceState s = d.newSequence(path.length)) {
      return d.prefill(s, Arrays.copyOf(path, path.length - 1), true);
    }
  }

  private static int argmax(float[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      best = a[i] > a[best] ? i : best;
    }
    return best;
  }

  private static int[] referenceTokens(int n) throws IOException {
    JsonNode ref =
        new ObjectMapper()
            .readTree(SharedData.resolve("llama2c/reference_stories260K_greedy256.json").toFile());
    int[] want = new int[n];
    for (int i = 0; i < n; i++) {
      want[i] = ref.get("greedy_tokens_from_bos").get(i + 1).asInt();
    }
    return want;
  }
}
