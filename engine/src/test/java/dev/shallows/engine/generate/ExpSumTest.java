package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vectorized exp-sum against Math.exp in double, on an odd-length row with -inf entries. */
class ExpSumTest {

  @Test
  void matchesDoublePrecisionExp() {
    Random r = new Random(3);
    float[] x = new float[32_003];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 97 == 0 ? Float.NEGATIVE_INFINITY : (float) (r.nextGaussian() * 4);
    }
    float scale = 1 / 0.7f;
    float shift = 9f;
    float[] out = new float[x.length];
    double sum = ExpSum.exp(x, scale, shift, out);
    double want = 0;
    for (int i = 0; i < x.length; i++) {
      double e = Math.exp((double) (x[i] * scale) - shift);
      assertEquals(e, out[i], 2e-6 * e + 1e-30, "element " + i);
      want += e;
    }
    assertEquals(want, sum, 1e-6 * want);
    assertEquals(want, ExpSum.exp(x, scale, shift, null), 1e-6 * want);
  }
}
