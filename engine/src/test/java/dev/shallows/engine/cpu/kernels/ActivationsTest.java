package dev.shallows.engine.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The int8 block quantization of activations: codes and scales. */
class ActivationsTest {

  @Test
  void codesStandForTheActivationsWithinHalfAStep() {
    Random rnd = new Random(3);
    int kPad = 4 * Activations.BLOCK;
    Activations a = new Activations();
    a.ensure(2, kPad, true);
    float[] x = new float[2 * kPad];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rnd.nextGaussian() * (i % 29 == 0 ? 40 : 1)); // outliers, as in LLMs
    }
    for (int c = kPad + Activations.BLOCK; c < kPad + 2 * Activations.BLOCK; c++) {
      x[c] = 0; // an all-zero block
    }
    System.arraycopy(x, 0, a.x, 0, x.length);
    a.quantize(0, kPad);
    a.quantize(1, kPad);
    for (int b = 0; b < x.length / Activations.BLOCK; b++) {
      double max = 0;
      for (int c = b * Activations.BLOCK; c < (b + 1) * Activations.BLOCK; c++) {
        max = Math.max(max, Math.abs(x[c]));
      }
      float s = a.scales[b];
      assertEquals(max / 127, s, 1e-6 * max, "block " + b + " scale");
      boolean reachesEnd = max == 0;
      for (int c = b * Activations.BLOCK; c < (b + 1) * Activations.BLOCK; c++) {
        int q = a.codes[c];
        assertTrue(q >= -127 && q <= 127, "code " + q);
        assertEquals(x[c], a.x[c], 0f, "the floats stay");
        assertTrue(Math.abs(q * s - x[c]) <= s / 2 * (1 + 1e-5), "within half a step at " + c);
        reachesEnd |= Math.abs(q) == 127;
      }
      assertTrue(reachesEnd, "the block's largest value maps to +-127 (block " + b + ")");
    }
  }
}
