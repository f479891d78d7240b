package dev.shallows.engine.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * y (R, N) = x (R, K) · W (N, K)ᵀ for a few rows (batched decode), in Java: the weights stream once
 * from the mapping, two rows at a time, each multiplied into activation rows (held in L1/L2) four
 * at a time: 8 accumulators and 6 loads per 8 FMAs. Per CPU-second (one thread, a busy host) it ran
 * at 13-16 GFLOP/s for 8 rows against 12-13 for OpenBLAS sgemm, which packs the weights first, and
 * 14.5 against 9 for 5 rows. Row blocks are split over threads by {@link Parallel}. It now serves
 * 9-12 rows only: for 2-8, one OpenBLAS sgemv per row on L2-sized blocks reads the mapping faster
 * (see {@link Blas#GEMV_MAX_ROWS}).
 */
final class SkinnyGemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int BLOCK_ROWS = 64;

  private SkinnyGemm() {}

  /** y[r*n + i] = Σ_c x[r*k + c] · W[i, c] for r < rows, i < n; W is (n, k) F32 LE in {@code w}. */
  static void matmul(ByteBuffer w, int n, int k, float[] x, int rows, float[] y) {
    int blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
    Parallel.forEach(
        blocks,
        b -> {
          int i1 = Math.min(n, b * BLOCK_ROWS + BLOCK_ROWS);
          for (int i = b * BLOCK_ROWS; i < i1; i += 2) {
            int j = Math.min(i + 1, i1 - 1); // an odd last row pairs with itself
            for (int r = 0; r < rows; r += 4) {
              tile(w, i, j, n, k, x, r, rows, y);
            }
          }
        });
  }

  /**
   * Weight rows i and j times activation rows r..r+3 (indices past the last row repeat it; only
   * real rows are written).
   */
  private static void tile(
      ByteBuffer w, int i, int j, int n, int k, float[] x, int r, int rows, float[] y) {
    int last = rows - 1;
    int x0 = r * k;
    int x1 = Math.min(r + 1, last) * k;
    int x2 = Math.min(r + 2, last) * k;
    int x3 = Math.min(r + 3, last) * k;
    int wi = i * k * 4;
    int wj = j * k * 4;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int c = 0;
    for (int bound = S.loopBound(k); c < bound; c += S.length()) {
      FloatVector u = FloatVector.fromByteBuffer(S, w, wi + c * 4, LE);
      FloatVector v = FloatVector.fromByteBuffer(S, w, wj + c * 4, LE);
      FloatVector e = FloatVector.fromArray(S, x, x0 + c);
      a0 = u.fma(e, a0);
      b0 = v.fma(e, b0);
      e = FloatVector.fromArray(S, x, x1 + c);
      a1 = u.fma(e, a1);
      b1 = v.fma(e, b1);
      e = FloatVector.fromArray(S, x, x2 + c);
      a2 = u.fma(e, a2);
      b2 = v.fma(e, b2);
      e = FloatVector.fromArray(S, x, x3 + c);
      a3 = u.fma(e, a3);
      b3 = v.fma(e, b3);
    }
    float[] s = {
      a0.reduceLanes(VectorOperators.ADD),
      a1.reduceLanes(VectorOperators.ADD),
      a2.reduceLanes(VectorOperators.ADD),
      a3.reduceLanes(VectorOperators.ADD),
      b0.reduceLanes(VectorOperators.ADD),
      b1.reduceLanes(VectorOperators.ADD),
      b2.reduceLanes(VectorOperators.ADD),
      b3.reduceLanes(VectorOperators.ADD)
    };
    int[] xo = {x0, x1, x2, x3};
    for (; c < k; c++) {
      float ui = w.getFloat(wi + c * 4);
      float vj = w.getFloat(wj + c * 4);
      for (int t = 0; t < 4; t++) {
        s[t] += ui * x[xo[t] + c];
        s[4 + t] += vj * x[xo[t] + c];
      }
    }
    for (int t = 0; t < 4 && r + t < rows; t++) {
      y[(r + t) * n + i] = s[t];
      y[(r + t) * n + j] = s[4 + t];
    }
  }
}
