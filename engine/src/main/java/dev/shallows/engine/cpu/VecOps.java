package dev.shallows.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small per-token operations of the CPU decoder on float arrays, vectorized with the Vector API
 * (each with a scalar tail): dot, axpy, add, RMSNorm, SwiGLU. All take explicit offsets so rows of
 * a packed (R, n) array are used in place.
 */
final class VecOps {

  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VecOps() {}

  /** Σ a[ao+i]·b[bo+i] for i < n. */
  static float dot(float[] a, int ao, float[] b, int bo, int n) {
    int i = 0;
    float sum = 0f;
    if (n >= S.length()) {
      FloatVector acc = FloatVector.zero(S);
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
      }
      sum = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) {
      sum += a[ao + i] * b[bo + i];
    }
    return sum;
  }

  /** y[yo+i] += a · x[xo+i] for i < n. */
  static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    int i = 0;
    FloatVector av = FloatVector.broadcast(S, a);
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, xo + i)
          .fma(av, FloatVector.fromArray(S, y, yo + i))
          .intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  /** y[yo+i] += x[xo+i] for i < n. */
  static void add(float[] y, int yo, float[] x, int xo, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, y, yo + i)
          .add(FloatVector.fromArray(S, x, xo + i))
          .intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] += x[xo + i];
    }
  }

  /** y[yo+i] *= a for i < n. */
  static void scale(float[] y, int yo, float a, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, y, yo + i).mul(a).intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] *= a;
    }
  }

  /** out = x / sqrt(mean(x²) + eps) · w, HF LlamaRMSNorm (sum of squares in double). */
  static void rmsNorm(float[] out, int oo, float[] x, int xo, float[] w, int n, double eps) {
    int i = 0;
    double ss = 0;
    FloatVector acc = FloatVector.zero(S);
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i);
      acc = v.fma(v, acc);
    }
    ss += acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      ss += (double) x[xo + i] * x[xo + i];
    }
    float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
    i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, xo + i)
          .mul(inv)
          .mul(FloatVector.fromArray(S, w, i))
          .intoArray(out, oo + i);
    }
    for (; i < n; i++) {
      out[oo + i] = x[xo + i] * inv * w[i];
    }
  }

  /** g[go+i] = silu(g[go+i]) · u[uo+i] (SwiGLU), silu(z) = z / (1 + e^-z). */
  static void siluMul(float[] g, int go, float[] u, int uo, int n) {
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector z = FloatVector.fromArray(S, g, go + i);
      FloatVector e = z.neg().lanewise(VectorOperators.EXP).add(1f);
      z.div(e).mul(FloatVector.fromArray(S, u, uo + i)).intoArray(g, go + i);
    }
    for (; i < n; i++) {
      float z = g[go + i];
      g[go + i] = (float) (z / (1.0 + Math.exp(-z))) * u[uo + i];
    }
  }

  /** Max of a[0..n). */
  static float max(float[] a, int n) {
    float m = Float.NEGATIVE_INFINITY;
    int i = 0;
    if (n >= S.length()) {
      FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        acc = acc.max(FloatVector.fromArray(S, a, i));
      }
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; i < n; i++) {
      m = Math.max(m, a[i]);
    }
    return m;
  }

  /** a[i] = e^(a[i] - m) for i < n; returns the sum (softmax numerators). */
  static float expShiftSum(float[] a, int n, float m) {
    int i = 0;
    float sum = 0f;
    if (n >= S.length()) {
      FloatVector acc = FloatVector.zero(S);
      for (int bound = S.loopBound(n); i < bound; i += S.length()) {
        FloatVector e = FloatVector.fromArray(S, a, i).sub(m).lanewise(VectorOperators.EXP);
        e.intoArray(a, i);
        acc = acc.add(e);
      }
      sum = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; i < n; i++) {
      a[i] = (float) Math.exp(a[i] - m);
      sum += a[i];
    }
    return sum;
  }
}
