package dev.shallows.engine.quant;

import java.nio.FloatBuffer;

/**
 * 4-bit NormalFloat (NF4) quantization as in QLoRA (Dettmers et al., arXiv 2305.14314): weights are
 * cut into blocks of {@link #BLOCK} consecutive values (row-major), each block is scaled by its
 * absolute maximum into [-1, 1], and every value is rounded to the nearest of the 16 {@link
 * #LEVELS}. Two codes share a byte, the first in the high nibble (the bitsandbytes order). The
 * block scales are kept in F32 (QLoRA's optional double quantization of the scales is not done).
 */
public final class Nf4 {

  /** Values per absmax block (QLoRA's block size). */
  public static final int BLOCK = 64;

  /**
   * The 16 NF4 levels: quantiles of N(0, 1) normalized to [-1, 1], with an exact zero (values as
   * published with QLoRA / bitsandbytes).
   */
  public static final float[] LEVELS = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f
  };

  /** Midpoints between adjacent levels: code i is chosen for x in (MID[i-1], MID[i]]. */
  private static final float[] MID = new float[15];

  static {
    for (int i = 0; i < 15; i++) {
      MID[i] = (LEVELS[i] + LEVELS[i + 1]) / 2f;
    }
  }

  private Nf4() {}

  /** The largest gap between adjacent levels (1 - 0.6962 = 0.3038); error bound = half of it. */
  public static float maxLevelGap() {
    float gap = 0;
    for (int i = 0; i < 15; i++) {
      gap = Math.max(gap, LEVELS[i + 1] - LEVELS[i]);
    }
    return gap;
  }

  /** The code (0..15) of the level nearest to {@code x} (x already scaled into [-1, 1]). */
  public static int nearest(float x) {
    int code = 0;
    while (code < 15 && x > MID[code]) {
      code++;
    }
    return code;
  }

  /** Quantizes a (rows, cols) row-major F32 matrix; rows * cols must be a multiple of 2. */
  public static Nf4Matrix quantize(String name, FloatBuffer src, int rows, int cols) {
    long n = (long) rows * cols;
    if (src.remaining() != n) {
      throw new IllegalArgumentException(
          name + ": " + src.remaining() + " floats for " + rows + "x" + cols);
    }
    if (n % 2 != 0) {
      throw new IllegalArgumentException(name + ": NF4 needs an even number of values, got " + n);
    }
    int size = Math.toIntExact(n);
    int blocks = (size + BLOCK - 1) / BLOCK;
    byte[] packed = new byte[size / 2];
    float[] absmax = new float[blocks];
    int base = src.position();
    for (int b = 0; b < blocks; b++) {
      int from = b * BLOCK;
      int to = Math.min(size, from + BLOCK);
      float max = 0;
      for (int i = from; i < to; i++) {
        max = Math.max(max, Math.abs(src.get(base + i)));
      }
      absmax[b] = max;
      float inv = max == 0 ? 0 : 1f / max;
      for (int i = from; i < to; i++) {
        int code = nearest(src.get(base + i) * inv);
        int j = i >> 1;
        packed[j] = (byte) ((i & 1) == 0 ? code << 4 : (packed[j] & 0xF0) | code);
      }
    }
    return new Nf4Matrix(name, rows, cols, packed, absmax);
  }

  /** Quantizes a heap array (tests, small tensors). */
  public static Nf4Matrix quantize(String name, float[] values, int rows, int cols) {
    return quantize(name, FloatBuffer.wrap(values), rows, cols);
  }
}
