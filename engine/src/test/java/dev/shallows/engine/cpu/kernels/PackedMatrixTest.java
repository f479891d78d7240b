package dev.shallows.engine.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.Matrix;
import dev.shallows.engine.quant.Nf4;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every narrow kernel against a double-precision reference on random matrices of odd sizes (row and
 * column tails), at batch 1 and several small batches. Two bounds are checked:
 *
 * <ul>
 *   <li>kernel vs Σ x·Ŵ in double, Ŵ the format's dequantized weights read back one element at a
 *       time: |error| ≤ 1e-5 · Σ|x·Ŵ| (F32 accumulation only); for NF4 at batch 1, x is replaced by
 *       the int8 block quantization its one-row kernel multiplies ({@link #int8Blocks});
 *   <li>Ŵ vs the original W: BF16 relative 2^-8; int8 ≤ row absmax / 254; NF4 ≤ block absmax ·
 *       ((largest level gap) / 2 + the int8 level table's rounding, at most 0.0037); and so kernel
 *       vs Σ x·W within Σ|x|·bound (+ Σ|Ŵ|·|x̂ - x| for NF4 at batch 1) + the first error.
 * </ul>
 */
class PackedMatrixTest {

  private static final int[][] SIZES = {{37, 203}, {64, 130}, {5, 64}, {9, 2}, {130, 1000}, {3, 1}};
  private static final int[] BATCHES = {1, 2, 3, 4, 5, 8, 13};
  private static final double ACCUMULATION = 1e-5;

  @ParameterizedTest
  @EnumSource(
      value = WeightFormat.class,
      names = {"BF16", "INT8", "NF4"})
  void kernelsMatchDoublePrecisionReference(WeightFormat format) {
    Random rnd = new Random(format.ordinal() * 31L + 5);
    double worstKernel = 0;
    for (int[] size : SIZES) {
      int n = size[0];
      int k = size[1];
      float[] w = new float[n * k];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rnd.nextGaussian() * (i % 17 == 0 ? 3 : 0.5));
      }
      PackedMatrix p = PackedMatrix.pack(matrix(w, n, k), format);
      assertEquals(format, p.format());
      double[] bound = new double[n * k]; // |Ŵ - W| allowed per element
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < k; c++) {
          bound[r * k + c] = elementBound(format, w, r, c, k);
          double err = Math.abs(p.value(r, c) - w[r * k + c]);
          assertTrue(
              err <= bound[r * k + c],
              format + " " + n + "x" + k + " W[" + r + "," + c + "] off by " + err);
        }
      }
      for (int m : BATCHES) {
        float[] x = new float[m * k];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) rnd.nextGaussian();
        }
        float[] y = new float[m * n];
        java.util.Arrays.fill(y, Float.NaN);
        p.matmul(x, m, y);
        // NF4's one-row kernel multiplies int8-quantized activations; batches multiply floats
        double[] xq = format == WeightFormat.NF4 && m == 1 ? int8Blocks(x, m, k) : null;
        for (int a = 0; a < m; a++) {
          for (int r = 0; r < n; r++) {
            double deq = 0;
            double deqAbs = 0;
            double orig = 0;
            double origSlack = 0;
            for (int c = 0; c < k; c++) {
              double xv = x[a * k + c];
              double xk = xq == null ? xv : xq[a * k + c]; // the activation the kernel multiplies
              deq += xk * p.value(r, c);
              deqAbs += Math.abs(xk * p.value(r, c));
              orig += xv * w[r * k + c];
              origSlack += Math.abs(xv) * bound[r * k + c];
              origSlack += Math.abs(p.value(r, c)) * Math.abs(xk - xv); // <= block scale / 2
            }
            double got = y[a * n + r];
            double rel = Math.abs(got - deq) / Math.max(deqAbs, 1e-30);
            worstKernel = Math.max(worstKernel, rel);
            String at = format + " " + n + "x" + k + " batch " + m + " y[" + a + "," + r + "]";
            assertTrue(rel <= ACCUMULATION, at + ": relative error " + rel + " vs dequantized");
            assertTrue(
                Math.abs(got - orig) <= origSlack + ACCUMULATION * deqAbs + 1e-6,
                at + ": " + got + " vs F32 " + orig + " (allowed " + origSlack + ")");
          }
        }
      }
    }
    System.out.printf("%s: worst kernel error %.2e of sum |x*w|%n", format, worstKernel);
  }

  @Test
  void nf4LevelTableStaysWithinItsStatedRounding() {
    // independent of the kernel: 127 * level rounded, compared with the F32 levels
    double worst = 0;
    for (float level : Nf4.LEVELS) {
      worst = Math.max(worst, Math.abs(Math.round(127 * level) / 127.0 - level));
    }
    assertEquals(worst, Nf4Kernel.levelRounding(), 1e-12);
    assertTrue(worst < 0.0037, "int8 level table error " + worst);
    assertTrue(worst < 0.025 * Nf4.maxLevelGap() / 2, "small against NF4's own rounding");
  }

  /**
   * The activations as NF4's kernel multiplies them: per row and block of 64 columns, s = absmax /
   * 127 and x̂ = round(x / s) · s, so |x̂ - x| <= s / 2 (checked here).
   */
  private static double[] int8Blocks(float[] x, int m, int k) {
    double[] q = new double[x.length];
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < k; b += 64) {
        double max = 0;
        for (int c = b; c < Math.min(k, b + 64); c++) {
          max = Math.max(max, Math.abs(x[a * k + c]));
        }
        double s = max / 127;
        for (int c = b; c < Math.min(k, b + 64); c++) {
          int i = a * k + c;
          q[i] = s == 0 ? 0 : Math.round(x[i] / s) * s;
          assertTrue(Math.abs(q[i] - x[i]) <= s / 2 * (1 + 1e-6), "x̂ within half a step");
        }
      }
    }
    return q;
  }

  /** How far the format may move W[r, c] (independent of the kernel code). */
  private static double elementBound(WeightFormat format, float[] w, int r, int c, int k) {
    double v = w[r * k + c];
    switch (format) {
      case BF16:
        return Math.abs(v) * Math.pow(2, -8);
      case INT8:
        {
          double max = 0;
          for (int j = 0; j < k; j++) {
            max = Math.max(max, Math.abs(w[r * k + j]));
          }
          return max / 254 * (1 + 1e-6);
        }
      case NF4:
        {
          int b0 = c / Nf4.BLOCK * Nf4.BLOCK; // blocks of 64 within the row
          double max = 0;
          for (int j = b0; j < Math.min(k, b0 + Nf4.BLOCK); j++) {
            max = Math.max(max, Math.abs(w[r * k + j]));
          }
          return max * (Nf4.maxLevelGap() / 2 + Nf4Kernel.levelRounding()) * (1 + 1e-5);
        }
      default:
        throw new IllegalArgumentException(format.name());
    }
  }

  static Matrix matrix(float[] w, int n, int k) {
    FloatBuffer b =
        ByteBuffer.allocateDirect(4 * w.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(w).flip();
    return new Matrix("w", b, n, k);
  }
}
