package dev.shallows.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.ReferenceLlama;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both attention kernels against a double-precision reference, with grouped KV heads: prefill as
 * matrix products (a cached prefix before the run, cache slots past it filled with values that must
 * not be read), and single rows of several sequences at different positions, on one thread and
 * split over the threads.
 */
class AttentionTest {

  private static final int H = 4;
  private static final int KVH = 2;
  private static final int HD = 16;
  private static final int CAP = 1200;

  @Test
  void matchesTheReferenceOverACachedPrefixAndAGrowingRun() {
    Random rnd = new Random(7);
    float[] keys = random(rnd, KVH * CAP * HD);
    float[] values = random(rnd, KVH * CAP * HD);
    try (BlockAttention block = new BlockAttention(H, KVH, HD)) {
      // two calls with different sizes: the second reuses and grows the buffers
      for (int[] run : new int[][] {{30, 20}, {0, 70}}) {
        int p0 = run[0];
        int m = run[1];
        float[] q = random(rnd, (m + 1) * H * HD); // one row of padding before the run
        float[] out = new float[(m + 2) * H * HD];
        block.run(q, H * HD, m, keys, values, CAP, p0, out, 2 * H * HD);
        for (int r = 0; r < m; r++) {
          double[] ref = reference(q, (r + 1) * H * HD, keys, values, p0 + r);
          for (int i = 0; i < H * HD; i++) {
            assertEquals(
                ref[i], out[(r + 2) * H * HD + i], 1e-5, "p0 " + p0 + " row " + r + " " + i);
          }
        }
      }
    }
  }

  @Test
  void singleRowsMatchTheReferenceInlineAndInParallel() {
    Random rnd = new Random(9);
    float[][] keys = {random(rnd, KVH * CAP * HD), random(rnd, KVH * CAP * HD)};
    float[][] values = {random(rnd, KVH * CAP * HD), random(rnd, KVH * CAP * HD)};
    Attention attention = new Attention(H, KVH, HD);
    // little work (one thread), then rows long enough to be split over the threads
    for (int[] positions : new int[][] {{3, 10}, {1100, 700, 5}}) {
      assertTrue(
          (positions.length == 2) == (positions[0] * H < Attention.PARALLEL_MIN_WORK),
          "the cases straddle the threshold");
      int n = positions.length;
      float[] q = random(rnd, n * H * HD);
      float[] out = new float[n * H * HD];
      attention.rows(
          q,
          out,
          n,
          new Attention.Row() {
            @Override
            public int offset(int i) {
              return i * H * HD;
            }

            @Override
            public float[] keys(int i) {
              return keys[i % 2];
            }

            @Override
            public float[] values(int i) {
              return values[i % 2];
            }

            @Override
            public int capacity(int i) {
              return CAP;
            }

            @Override
            public int position(int i) {
              return positions[i];
            }
          });
      for (int i = 0; i < n; i++) {
        double[] ref = reference(q, i * H * HD, keys[i % 2], values[i % 2], positions[i]);
        for (int j = 0; j < H * HD; j++) {
          assertEquals(ref[j], out[i * H * HD + j], 1e-5, "row " + i + " at " + positions[i]);
        }
      }
    }
  }

  /** Each head's attention over positions 0..pos of its KV group, by {@link ReferenceLlama}. */
  private static double[] reference(float[] q, int qo, float[] keys, float[] values, int pos) {
    double[] out = new double[H * HD];
    for (int h = 0; h < H; h++) {
      int base = (h / (H / KVH)) * CAP * HD;
      double[][] ks = new double[pos + 1][];
      double[][] vs = new double[pos + 1][];
      for (int t = 0; t <= pos; t++) {
        ks[t] = doubles(keys, base + t * HD);
        vs[t] = doubles(values, base + t * HD);
      }
      double[] head = ReferenceLlama.headAttention(doubles(q, qo + h * HD), ks, vs);
      System.arraycopy(head, 0, out, h * HD, HD);
    }
    return out;
  }

  private static double[] doubles(float[] a, int from) {
    double[] d = new double[HD];
    for (int i = 0; i < HD; i++) {
      d[i] = a[from + i];
    }
    return d;
  }

  private static float[] random(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }
}
