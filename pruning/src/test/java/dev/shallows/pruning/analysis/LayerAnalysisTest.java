package dev.shallows.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.Decoders;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.RandomModels;
import dev.shallows.engine.ReferenceLlama;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.fixtures.Stories260K;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis against an independent computation: hidden states from the engine's double-precision
 * ReferenceLlama, distances computed here in plain Java, ℓ*(n) by argmin.
 */
class LayerAnalysisTest {

  @TempDir Path tmp;

  @Test
  void stories260KMatchesTheReference() {
    try (LoadedModel m = LoadedModel.open(Stories260K.dir());
        Decoder decoder = m.decoder();
        Checkpoint ckpt = Checkpoint.open(Stories260K.dir())) {
      CalibrationSet data = CalibrationSet.builtIn(m.encoder(), 96, 12);
      DistanceTable t =
          LayerAnalysis.run(decoder, data, ProgressListener.NONE, Cancellation.none());
      assertEquals(12, t.samples());
      assertReferenceAgrees(new ReferenceLlama(ckpt), data.sequences(), t);
    }
  }

  @Test
  void randomModelsMatchTheReference() {
    List<RandomModels.Spec> specs =
        List.of(
            new RandomModels.Spec(
                "deep-gqa", 32, 48, 6, 4, 2, 64, 64, false, false, null, 1, DType.F32, 11),
            new RandomModels.Spec(
                "deep-bias-f16", 24, 40, 5, 3, 3, 50, 64, true, true, null, 1, DType.F16, 12));
    for (RandomModels.Spec s : specs) {
      Path dir = RandomModels.write(tmp.resolve(s.name()), s);
      List<int[]> seqs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        seqs.add(RandomModels.tokens(5 + 3 * i, s.vocab(), 100 + i));
      }
      try (Checkpoint ckpt = Checkpoint.open(dir);
          Decoder decoder = Decoders.create(LlamaWeights.load(ckpt), 1)) {
        DistanceTable t =
            LayerAnalysis.run(
                decoder,
                new CalibrationSet(s.name(), seqs),
                ProgressListener.NONE,
                Cancellation.none());
        assertReferenceAgrees(new ReferenceLlama(ckpt), seqs, t);
      }
    }
  }

  @Test
  void analysingAPrunedViewNamesOriginalLayers() {
    RandomModels.Spec s =
        new RandomModels.Spec(
            "deep", 32, 48, 6, 4, 2, 64, 64, false, false, null, 1, DType.F32, 13);
    Path dir = RandomModels.write(tmp.resolve("deep"), s);
    List<int[]> seqs = List.of(RandomModels.tokens(9, 64, 1), RandomModels.tokens(12, 64, 2));
    int[] keep = {0, 2, 3, 5};
    try (Checkpoint ckpt = Checkpoint.open(dir);
        Decoder decoder = Decoders.create(LlamaWeights.load(ckpt).keep(keep), 1)) {
      DistanceTable t =
          LayerAnalysis.run(
              decoder, new CalibrationSet("x", seqs), ProgressListener.NONE, Cancellation.none());
      assertArrayEquals(keep, t.layerIndices());
      assertReferenceAgrees(new ReferenceLlama(ckpt, keep), seqs, t);
      PruningPlan plan = PruningPlan.of(Strategy.ANGULAR, t.layerIndices(), 2, t);
      int start = t.bestStart(2);
      assertArrayEquals(new int[] {keep[start], keep[start + 1]}, plan.removedOriginal());
    }
  }

  /** Recomputes every mean distance from reference hidden states and compares table and ℓ*(n). */
  private static void assertReferenceAgrees(ReferenceLlama ref, List<int[]> seqs, DistanceTable t) {
    int layers = t.layers();
    double[][] sum = new double[layers + 1][layers + 1]; // [l][l+n]
    double[] bi = new double[layers];
    for (int[] seq : seqs) {
      double[][] x = ref.residuals(seq); // (L+1, D)
      assertEquals(layers + 1, x.length);
      for (int a = 0; a <= layers; a++) {
        for (int b = a + 1; b <= layers; b++) {
          double c = cos(x[a], x[b]);
          sum[a][b] += Math.acos(c) / Math.PI;
          if (b == a + 1) {
            bi[a] += 1 - c;
          }
        }
      }
    }
    int k = seqs.size();
    for (int n = 1; n < layers; n++) {
      int refBest = 0;
      double[] row = new double[layers - n + 1];
      for (int l = 0; l + n <= layers; l++) {
        row[l] = sum[l][l + n] / k;
        assertEquals(row[l], t.distance(n, l), 2e-5, "n=" + n + " l=" + l);
        if (row[l] < row[refBest]) {
          refBest = l;
        }
      }
      int best = t.bestStart(n);
      if (best != refBest) {
        // only a near tie may resolve differently in float32
        assertTrue(
            Math.abs(row[best] - row[refBest]) < 2e-5,
            "n=" + n + ": l*=" + best + " but the reference says " + refBest);
      }
    }
    for (int l = 0; l < layers; l++) {
      assertEquals(bi[l] / k, t.blockInfluence()[l], 2e-5);
    }
  }

  private static double cos(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
  }
}
