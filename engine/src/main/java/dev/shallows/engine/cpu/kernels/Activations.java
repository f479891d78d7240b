package dev.shallows.engine.cpu.kernels;

/**
 * One matmul call's activation rows in a kernel's column order, reused per calling thread: floats
 * for every kernel, and, for a kernel that multiplies integers, int8 codes with one scale per block
 * of 64 columns (the idea of llama.cpp's Q8 activations).
 */
final class Activations {

  private static final float ROUND = 12582912f; // 1.5 * 2^23

  static final int BLOCK = 64;

  float[] x = new float[0]; // (m, kPad), kernel column order
  short[] codes = new short[0]; // (m, kPad): int8 values in int16 lanes
  float[] scales = new float[0]; // (m, kPad / BLOCK): block absmax / 127

  /** Room for m rows of kPad columns (kPad a multiple of {@link #BLOCK} where codes are wanted). */
  void ensure(int m, int kPad, boolean withCodes) {
    int n = Math.max(m, 8) * kPad;
    if (x.length < m * kPad) {
      x = new float[n];
    }
    if (withCodes && codes.length < m * kPad) {
      codes = new short[n];
      scales = new float[n / BLOCK];
    }
  }

  /**
   * Quantizes row a (kPad columns) block by block: scale s = absmax / 127, code = x / s rounded to
   * the nearest integer (halves to even), within [-127, 127]; code · s differs from x by at most s
   * / 2. The floats stay as they are.
   */
  void quantize(int a, int kPad) {
    // plain loops: C2 compiles them well; a Vector API version was boxed (8 ns per element)
    int off = a * kPad;
    for (int b = off; b < off + kPad; b += BLOCK) {
      float max = 0;
      for (int c = b; c < b + BLOCK; c++) {
        max = Math.max(max, Math.abs(x[c]));
      }
      float s = max / 127;
      float inv = max == 0 ? 0 : 127 / max;
      scales[b / BLOCK] = s;
      for (int c = b; c < b + BLOCK; c++) {
        float q = x[c] * inv + ROUND - ROUND; // |x / s| <= 127: rounds to an integer, ties to even
        codes[c] = (short) q;
      }
    }
  }
}
