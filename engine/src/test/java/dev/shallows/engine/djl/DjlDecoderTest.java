package dev.shallows.engine.djl;

import static dev.shallows.engine.djl.DjlLlamaTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.ReferenceLlama;
import dev.shallows.engine.SequenceState;
import dev.shallows.store.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DjlDecoder (prefill, KV-cached decode, batched decode, residuals, pruned views) against the
 * double-precision {@link ReferenceLlama}, which always recomputes the whole sequence.
 */
class DjlDecoderTest {

  static final double TOL = DjlLlamaTest.TOL;

  @TempDir Path tmp;

  static List<RandomModels.Spec> specs() {
    return RandomModels.variety();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void prefillMatchesReference(RandomModels.Spec spec) {
    int[] tokens = RandomModels.tokens(8, spec.vocab(), 11);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(16)) {
      float[][] got = dec.prefill(s, tokens, true);
      assertEquals(8, s.length());
      assertClose(new ReferenceLlama(ckpt).logits(tokens), got, TOL, spec + " prefill");
    }
  }

  /** Prefill 3 tokens, then decode one at a time: every step equals recomputing from scratch. */
  @ParameterizedTest
  @MethodSource("specs")
  void prefillThenCachedDecodeEqualsFullRecomputation(RandomModels.Spec spec) {
    int[] tokens = RandomModels.tokens(8, spec.vocab(), 12);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(8)) {
      double[][] full = new ReferenceLlama(ckpt).logits(tokens);
      float[][] got = new float[8][];
      float[][] first = dec.prefill(s, java.util.Arrays.copyOf(tokens, 3), false);
      assertEquals(1, first.length, "last position only");
      got[2] = first[0];
      for (int i = 3; i < 8; i++) {
        got[i] = dec.decode(List.of(s), new int[] {tokens[i]})[0];
      }
      assertClose(
          java.util.Arrays.copyOfRange(full, 2, 8),
          java.util.Arrays.copyOfRange(got, 2, 8),
          TOL,
          spec + " cached decode");
      // the cache is full now
      assertThrows(IllegalArgumentException.class, () -> dec.decode(List.of(s), new int[] {0}));
    }
  }

  /** Sequences at different lengths decoded as one batch give the same logits as one by one. */
  @Test
  void batchedDecodeEqualsIndividualDecode() {
    RandomModels.Spec spec = RandomModels.variety().get(2); // GQA with KVH=1, QKV bias
    int[][] prompts = {
      RandomModels.tokens(2, spec.vocab(), 1),
      RandomModels.tokens(5, spec.vocab(), 2),
      RandomModels.tokens(3, spec.vocab(), 3)
    };
    int[][] next = new int[4][];
    for (int step = 0; step < 4; step++) {
      next[step] = RandomModels.tokens(3, spec.vocab(), 100 + step);
    }
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu())) {
      List<SequenceState> batch = new ArrayList<>();
      List<SequenceState> single = new ArrayList<>();
      for (int[] p : prompts) {
        batch.add(dec.newSequence(16));
        single.add(dec.newSequence(16));
        dec.prefill(batch.get(batch.size() - 1), p, false);
        dec.prefill(single.get(single.size() - 1), p, false);
      }
      for (int step = 0; step < 4; step++) {
        float[][] together = dec.decode(batch, next[step]);
        for (int b = 0; b < 3; b++) {
          float[] alone = dec.decode(List.of(single.get(b)), new int[] {next[step][b]})[0];
          assertArrayEquals(alone, together[b], 1e-5f, "step " + step + " sequence " + b);
        }
      }
      ReferenceLlama ref = new ReferenceLlama(ckpt);
      int[] seq1 = concat(prompts[1], next[0][1], next[1][1], next[2][1], next[3][1]);
      assertEquals(prompts[1].length + 4, batch.get(1).length());
      // and the last batched step agrees with a full recomputation of sequence 1
      float[][] last = {dec.decode(List.of(batch.get(1)), new int[] {0})[0]};
      double[][] full = ref.logits(concat(seq1, 0));
      assertClose(new double[][] {full[full.length - 1]}, last, TOL, "batched vs reference");
      batch.forEach(SequenceState::close);
      single.forEach(SequenceState::close);
    }
  }

  @Test
  void residualsMatchReference() {
    RandomModels.Spec spec = RandomModels.small();
    int[] tokens = RandomModels.tokens(6, spec.vocab(), 13);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu())) {
      float[][] got = dec.residuals(tokens);
      assertEquals(spec.layers() + 1, got.length);
      assertClose(new ReferenceLlama(ckpt).residuals(tokens), got, TOL, "residuals");
    }
  }

  /** A layer-pruned view runs the kept layers only, with their original indices reported. */
  @Test
  void prunedViewMatchesReferenceOnKeptLayers() {
    RandomModels.Spec spec = RandomModels.small(); // 3 layers
    int[] tokens = RandomModels.tokens(5, spec.vocab(), 14);
    try (Checkpoint ckpt = Checkpoint.open(RandomModels.write(tmp.resolve("m"), spec));
        DjlDecoder dec =
            new DjlDecoder(LlamaWeights.load(ckpt).keep(new int[] {0, 2}), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(8)) {
      assertArrayEquals(new int[] {0, 2}, dec.layers());
      assertEquals(2, dec.config().numHiddenLayers());
      double[][] ref = new ReferenceLlama(ckpt, new int[] {0, 2}).logits(tokens);
      assertClose(ref, dec.prefill(s, tokens, true), TOL, "pruned view");
    }
  }

  @Test
  void truncatedSequenceContinuesLikeAFreshOne() {
    Path dir = RandomModels.write(tmp.resolve("m"), RandomModels.small());
    int[] a = RandomModels.tokens(7, RandomModels.small().vocab(), 3);
    int[] b = RandomModels.tokens(7, RandomModels.small().vocab(), 4);
    System.arraycopy(a, 0, b, 0, 3); // a and b share their first 3 tokens
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlDecoder dec = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState s = dec.newSequence(7)) {
      dec.prefill(s, a, true);
      s.truncate(3);
      float[][] rest = dec.prefill(s, java.util.Arrays.copyOfRange(b, 3, 7), true);
      double[][] ref = new ReferenceLlama(ckpt).logits(b);
      assertClose(java.util.Arrays.copyOfRange(ref, 3, 7), rest, TOL, "after truncate");
      assertEquals(7, s.length());
      assertThrows(IllegalArgumentException.class, () -> s.truncate(8));
    }
  }

  @Test
  void rejectsForeignStatesAndOverflow() {
    Path dir = RandomModels.write(tmp.resolve("m"), RandomModels.small());
    try (Checkpoint ckpt = Checkpoint.open(dir);
        DjlDecoder a = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        DjlDecoder b = new DjlDecoder(LlamaWeights.load(ckpt), ComputeSettings.cpu());
        SequenceState s = a.newSequence(4)) {
      assertThrows(IllegalArgumentException.class, () -> b.prefill(s, new int[] {1}, false));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> a.prefill(s, new int[5], false));
      assertTrue(e.getMessage().contains("capacity"), e.getMessage());
      assertEquals(0, s.length(), "a rejected prefill leaves the state unchanged");
      try (SequenceState big = a.newSequence(1_000_000)) {
        assertEquals(RandomModels.small().maxPositions(), big.capacity(), "capped at context");
      }
    }
  }

  static int[] concat(int[] a, int... b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
