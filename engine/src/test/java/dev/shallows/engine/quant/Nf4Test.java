package dev.shallows.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NF4 round trip against a brute-force nearest-level reference and the QLoRA error bound. */
class Nf4Test {

  @Test
  void levelsAreTheQloraTableAndTheBoundIsHalfTheWidestGap() {
    assertEquals(16, Nf4.LEVELS.length);
    assertEquals(-1f, Nf4.LEVELS[0]);
    assertEquals(0f, Nf4.LEVELS[7]);
    assertEquals(1f, Nf4.LEVELS[15]);
    // widest gap is between -1 and -0.6962 (the tail quantile)
    assertEquals(1 - 0.6961928009986877, Nf4.maxLevelGap(), 1e-7);
  }

  @Test
  void eachValueGetsTheNearestLevelAndErrorStaysWithinBound() {
    Random rnd = new Random(7);
    int rows = 48;
    int cols = 100; // 4800 values: 75 blocks, blocks straddle rows
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * (i % 3 == 0 ? 0.02 : 1.5));
    }
    w[5] = 0; // exact zero must stay zero
    Nf4Matrix q = Nf4.quantize("w", w, rows, cols);
    assertEquals(w.length / 2, q.packed().length);
    assertEquals(w.length / 64, q.absmax().length);
    float[] back = q.dequantize();
    double bound = (1 - 0.6961928009986877) / 2;
    for (int b = 0; b < w.length / 64; b++) {
      double absmax = 0;
      for (int i = b * 64; i < b * 64 + 64; i++) {
        absmax = Math.max(absmax, Math.abs((double) w[i]));
      }
      assertEquals(absmax, q.absmax()[b], 1e-6 * absmax);
      for (int i = b * 64; i < b * 64 + 64; i++) {
        // brute-force reference: the level minimizing |w/absmax - level|
        double x = w[i] / absmax;
        int best = 0;
        for (int c = 1; c < 16; c++) {
          if (Math.abs(x - Nf4.LEVELS[c]) < Math.abs(x - Nf4.LEVELS[best])) {
            best = c;
          }
        }
        assertEquals(best, q.code(i), "code of element " + i);
        double err = Math.abs(w[i] - back[i]);
        assertTrue(err <= bound * absmax * (1 + 1e-6), "error " + err + " at " + i);
      }
    }
    assertEquals(0f, back[5]);
  }

  @Test
  void packingPutsTheEvenElementInTheHighNibble() {
    float[] w = new float[64];
    w[0] = -1; // code 0
    w[1] = 1; // code 15
    w[2] = 0; // code 7
    w[3] = 0.5626170039176941f; // code 13
    Nf4Matrix q = Nf4.quantize("w", w, 1, 64);
    assertEquals((byte) 0x0F, q.packed()[0]);
    assertEquals((byte) 0x7D, q.packed()[1]);
  }

  @Test
  void djlOnTheFlyDequantizationMatchesTheJavaOne() {
    Random rnd = new Random(3);
    int rows = 32;
    int cols = 96;
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextGaussian();
    }
    Nf4Matrix q = Nf4.quantize("w", w, rows, cols);
    try (NDManager m = NDManager.newBaseManager();
        Nf4Djl d = new Nf4Djl(m, q);
        NDManager step = m.newSubManager()) {
      NDArray deq = d.dequantize(step);
      assertArrayEquals(new long[] {rows, cols}, deq.getShape().getShape());
      assertArrayEquals(q.dequantize(), deq.toFloatArray(), 0f);
    }
  }
}
