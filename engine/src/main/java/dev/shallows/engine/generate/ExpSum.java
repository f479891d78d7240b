package dev.shallows.engine.generate;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code out[i] = exp(x[i] * scale - shift)} over a logits row, returning the sum: the cost centre
 * of softmax over a large vocabulary. With the Vector API (when {@code jdk.incubator.vector} is in
 * the boot layer) it is ~7x faster than a {@link Math#exp} loop (measured 70 vs 500 µs for V =
 * 32000); without it, the scalar loop.
 */
final class ExpSum {

  private static final boolean VECTOR =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private ExpSum() {}

  /** Fills {@code out} (may be null: sum only) and returns the sum, accumulated in double. */
  static double exp(float[] x, float scale, float shift, float[] out) {
    return VECTOR ? Vectorized.exp(x, scale, shift, out) : scalar(x, 0, scale, shift, out);
  }

  static double scalar(float[] x, int from, float scale, float shift, float[] out) {
    double sum = 0;
    for (int i = from; i < x.length; i++) {
      float e = (float) Math.exp(x[i] * scale - shift);
      if (out != null) {
        out[i] = e;
      }
      sum += e;
    }
    return sum;
  }

  /** Loaded only when the incubator module is present. */
  private static final class Vectorized {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static double exp(float[] x, float scale, float shift, float[] out) {
      int bound = S.loopBound(x.length);
      double sum = 0;
      for (int i = 0; i < bound; i += S.length()) {
        FloatVector e =
            FloatVector.fromArray(S, x, i).mul(scale).sub(shift).lanewise(VectorOperators.EXP);
        if (out != null) {
          e.intoArray(out, i);
        }
        sum += e.reduceLanes(VectorOperators.ADD);
      }
      return sum + scalar(x, bound, scale, shift, out);
    }
  }
}
