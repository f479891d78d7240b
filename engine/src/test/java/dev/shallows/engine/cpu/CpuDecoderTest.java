package dev.shallows.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.RandomModels.Spec;
import dev.shallows.engine.ReferenceLlama;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuDecoder against the independent double-precision {@link ReferenceLlama} on random small
 * configs: logits of a full prefill, prefill + incremental decode, batched decode, chunked prefill,
 * residuals and a layer-pruned view.
 */
class CpuDecoderTest {

  /**
   * Max |cpu - reference| allowed, relative to max(1, |reference|): F32 rounding over a few layers.
   */
  static final double TOL = 2e-4;

  @TempDir Path tmp;

  static List<Spec> variety() {
    return RandomModels.variety();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variety")
  void prefillLogitsMatchReference(Spec spec) {
    Path dir = RandomModels.write(tmp.resolve(spec.name()), spec);
    // 12 tokens: past max_position_embeddings (8) for the dynamic-NTK spec, so its scaling is used
    int[] tokens = RandomModels.tokens(12, spec.vocab(), spec.seed());
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        SequenceState seq = dec.newSequence(tokens.length)) {
      double[][] ref = new ReferenceLlama(ck).logits(tokens);
      float[][] got = dec.prefill(seq, tokens, true);
      assertClose(ref, got, spec.name());
      assertEquals(tokens.length, seq.length());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variety")
  void prefillThenDecodeEqualsFullRecomputation(Spec spec) {
    Path dir = RandomModels.write(tmp.resolve(spec.name()), spec);
    // within max_position_embeddings: HF's dynamic NTK keeps old keys' base past it, as we do
    int n = Math.min(12, spec.maxPositions());
    int[] tokens = RandomModels.tokens(n, spec.vocab(), spec.seed() + 7);
    int prompt = n / 2 - 1;
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        SequenceState seq = dec.newSequence(n)) {
      double[][] ref = new ReferenceLlama(ck).logits(tokens);
      float[][] last = dec.prefill(seq, java.util.Arrays.copyOf(tokens, prompt), false);
      assertEquals(1, last.length);
      assertClose(new double[][] {ref[prompt - 1]}, last, spec + " prefill");
      for (int t = prompt; t < n; t++) {
        float[][] step = dec.decode(List.of(seq), new int[] {tokens[t]});
        assertClose(new double[][] {ref[t]}, step, spec + " decode at " + t);
      }
      assertEquals(n, seq.length());
    }
  }

  /**
   * GQA with QKV bias stored as BF16 (spec 2) and as F32, memory-mapped (spec 5), at batch sizes
   * through each F32 matmul path: one sgemv per row (up to Blas.GEMV_MAX_ROWS = 8), the Java skinny
   * kernel on the mapping (up to Scratch.SKINNY_MAX_ROWS = 12), sgemm beyond.
   */
  @ParameterizedTest
  @CsvSource({"2, 4", "5, 4", "5, 10", "5, 14"})
  void batchedDecodeOfSequencesAtDifferentLengthsEqualsSingleDecode(int specIndex, int size) {
    Spec spec = RandomModels.variety().get(specIndex);
    Path dir = RandomModels.write(tmp.resolve("b" + specIndex + "-" + size), spec);
    int[] prompts = java.util.stream.IntStream.range(0, size).map(b -> b * 7 % 11 + 1).toArray();
    int steps = 4;
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck))) {
      ReferenceLlama ref = new ReferenceLlama(ck);
      int[][] seqTokens = new int[prompts.length][];
      List<SequenceState> batch = new ArrayList<>();
      List<SequenceState> alone = new ArrayList<>();
      for (int b = 0; b < prompts.length; b++) {
        seqTokens[b] = RandomModels.tokens(prompts[b] + steps, spec.vocab(), 100 + b);
        int[] p = java.util.Arrays.copyOf(seqTokens[b], prompts[b]);
        batch.add(dec.newSequence(32));
        alone.add(dec.newSequence(32));
        dec.prefill(batch.get(b), p, false);
        dec.prefill(alone.get(b), p, false);
      }
      for (int s = 0; s < steps; s++) {
        int[] next = new int[prompts.length];
        for (int b = 0; b < prompts.length; b++) {
          next[b] = seqTokens[b][prompts[b] + s];
        }
        float[][] batched = dec.decode(batch, next);
        for (int b = 0; b < prompts.length; b++) {
          float[][] single = dec.decode(List.of(alone.get(b)), new int[] {next[b]});
          for (int v = 0; v < spec.vocab(); v++) {
            assertEquals(single[0][v], batched[b][v], 1e-4, "seq " + b + " step " + s);
          }
          double[][] full = ref.logits(java.util.Arrays.copyOf(seqTokens[b], prompts[b] + s + 1));
          assertClose(new double[][] {full[full.length - 1]}, new float[][] {batched[b]}, "b" + b);
        }
      }
      for (int b = 0; b < prompts.length; b++) {
        assertEquals(prompts[b] + steps, batch.get(b).length());
        batch.get(b).close();
        alone.get(b).close();
      }
    }
  }

  @Test
  void prefillLongerThanOneChunkMatchesReference() {
    Spec s = RandomModels.small();
    Spec spec =
        new Spec(
            "long",
            s.hidden(),
            s.intermediate(),
            2,
            s.heads(),
            s.kvHeads(),
            s.vocab(),
            512,
            false,
            false,
            null,
            1,
            DType.F32,
            9);
    Path dir = RandomModels.write(tmp.resolve("long"), spec);
    int[] tokens = RandomModels.tokens(300, spec.vocab(), 11); // 3 chunks of 128 rows
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        SequenceState seq = dec.newSequence(tokens.length)) {
      assertClose(new ReferenceLlama(ck).logits(tokens), dec.prefill(seq, tokens, true), "300");
    }
  }

  @Test
  void residualsAndPrunedViewMatchReference() {
    Spec spec = RandomModels.small(); // 3 layers
    Path dir = RandomModels.write(tmp.resolve("r"), spec);
    int[] tokens = RandomModels.tokens(7, spec.vocab(), 5);
    try (Checkpoint ck = Checkpoint.open(dir)) {
      LlamaWeights all = LlamaWeights.load(ck);
      try (CpuDecoder dec = new CpuDecoder(all)) {
        assertClose(new ReferenceLlama(ck).residuals(tokens), dec.residuals(tokens), "residuals");
      }
      try (CpuDecoder pruned = new CpuDecoder(all.keep(new int[] {0, 2}));
          SequenceState seq = pruned.newSequence(8)) {
        assertEquals(List.of(0, 2), java.util.Arrays.stream(pruned.layers()).boxed().toList());
        double[][] ref = new ReferenceLlama(ck, new int[] {0, 2}).logits(tokens);
        assertClose(ref, pruned.prefill(seq, tokens, true), "pruned");
      }
    }
  }

  @Test
  void multiSequencePrefillEqualsSeparatePrefills() {
    Spec spec = RandomModels.small();
    Path dir = RandomModels.write(tmp.resolve("m"), spec);
    int[] a = RandomModels.tokens(5, spec.vocab(), 11);
    int[] b = RandomModels.tokens(3, spec.vocab(), 12);
    int[] c = RandomModels.tokens(1, spec.vocab(), 13);
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        SequenceState sa = dec.newSequence(8);
        SequenceState sb = dec.newSequence(8);
        SequenceState sc = dec.newSequence(8)) {
      dec.prefill(sb, RandomModels.tokens(2, spec.vocab(), 14), false); // b continues a sequence
      List<float[][]> got =
          dec.prefill(List.of(sa, sb, sc), List.of(a, b, c), new boolean[] {true, false, true});
      ReferenceLlama ref = new ReferenceLlama(ck);
      assertClose(ref.logits(a), got.get(0), "a, all positions");
      int[] bFull = concat(RandomModels.tokens(2, spec.vocab(), 14), b);
      double[][] refB = ref.logits(bFull);
      assertClose(new double[][] {refB[bFull.length - 1]}, got.get(1), "b, last position");
      assertClose(ref.logits(c), got.get(2), "c, one token");
      assertEquals(5, sa.length());
      assertEquals(5, sb.length());
      assertEquals(1, sc.length());
      assertThrows(
          IllegalArgumentException.class,
          () -> dec.prefill(List.of(sc, sc), List.of(c, c), new boolean[2]));
    }
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void truncatedSequenceContinuesLikeAFreshOne() {
    Spec spec = RandomModels.small();
    Path dir = RandomModels.write(tmp.resolve("m"), spec);
    int[] a = RandomModels.tokens(7, spec.vocab(), 3);
    int[] b = RandomModels.tokens(7, spec.vocab(), 4);
    System.arraycopy(a, 0, b, 0, 3); // a and b share their first 3 tokens
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        SequenceState seq = dec.newSequence(7)) {
      dec.prefill(seq, a, true);
      seq.truncate(3);
      assertEquals(3, seq.length());
      float[][] rest = dec.prefill(seq, java.util.Arrays.copyOfRange(b, 3, 7), true);
      double[][] ref = new ReferenceLlama(ck).logits(b);
      assertClose(java.util.Arrays.copyOfRange(ref, 3, 7), rest, "after truncate");
      assertThrows(IllegalArgumentException.class, () -> seq.truncate(8));
      assertThrows(IllegalArgumentException.class, () -> seq.truncate(-1));
      try (SequenceState small = dec.newSequence(2);
          SequenceState big = dec.newSequence(7)) {
        assertThrows(IllegalArgumentException.class, () -> seq.copyTo(small, 3));
        seq.copyTo(big, 3);
        assertEquals(3, big.length());
        float[][] copied = dec.prefill(big, java.util.Arrays.copyOfRange(b, 3, 7), true);
        assertClose(java.util.Arrays.copyOfRange(ref, 3, 7), copied, "after copyTo");
      }
      seq.truncate(0);
      assertClose(ref, dec.prefill(seq, b, true), "from empty");
    }
  }

  @Test
  void refusesMisuse() {
    Spec spec = RandomModels.small();
    Path dir = RandomModels.write(tmp.resolve("m"), spec);
    try (Checkpoint ck = Checkpoint.open(dir);
        CpuDecoder dec = new CpuDecoder(LlamaWeights.load(ck));
        CpuDecoder other = new CpuDecoder(LlamaWeights.load(ck))) {
      SequenceState seq = dec.newSequence(3);
      dec.prefill(seq, new int[] {1, 2, 3}, false);
      assertThrows(IllegalStateException.class, () -> dec.decode(List.of(seq), new int[] {4}));
      SequenceState s2 = dec.newSequence(4);
      assertThrows(IllegalArgumentException.class, () -> other.prefill(s2, new int[] {1}, false));
      assertThrows(IllegalArgumentException.class, () -> dec.prefill(s2, new int[] {99}, false));
      assertThrows(
          IllegalArgumentException.class, () -> dec.decode(List.of(s2, s2), new int[] {1, 2}));
      assertEquals(spec.maxPositions(), dec.newSequence(1_000_000).capacity());
      s2.close();
      assertThrows(IllegalStateException.class, () -> dec.prefill(s2, new int[] {1}, false));
    }
  }

  static void assertClose(double[][] ref, float[][] got, String what) {
    assertEquals(ref.length, got.length, what + ": rows");
    double worst = 0;
    for (int r = 0; r < ref.length; r++) {
      assertEquals(ref[r].length, got[r].length, what + ": width");
      for (int i = 0; i < ref[r].length; i++) {
        double err = Math.abs(ref[r][i] - got[r][i]) / Math.max(1, Math.abs(ref[r][i]));
        assertTrue(Double.isFinite(got[r][i]), what + ": non-finite value");
        worst = Math.max(worst, err);
      }
    }
    assertTrue(worst <= TOL, what + ": max relative error " + worst + " > " + TOL);
  }
}
