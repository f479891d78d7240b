package dev.shallows.engine.cpu;

/**
 * Applies rotary position embedding in place (HF rotate-half: element i pairs with i + hd/2), with
 * frequencies from {@link dev.shallows.engine.Rope} (which handles the rope_scaling variants).
 */
final class RopeRotation {

  private RopeRotation() {}

  /** Fills cos/sin (hd/2 each, at offset off) for one position. */
  static void angles(double[] invFreq, int pos, float[] cos, float[] sin, int off) {
    for (int i = 0; i < invFreq.length; i++) {
      double a = pos * invFreq[i];
      cos[off + i] = (float) Math.cos(a);
      sin[off + i] = (float) Math.sin(a);
    }
  }

  /** Rotates {@code heads} consecutive head vectors of x starting at xo, in place. */
  static void apply(float[] x, int xo, int heads, int hd, float[] cos, float[] sin, int co) {
    int half = hd / 2;
    for (int h = 0; h < heads; h++) {
      int base = xo + h * hd;
      for (int i = 0; i < half; i++) {
        float x1 = x[base + i];
        float x2 = x[base + half + i];
        float c = cos[co + i];
        float s = sin[co + i];
        x[base + i] = x1 * c - x2 * s;
        x[base + half + i] = x2 * c + x1 * s;
      }
    }
  }
}
