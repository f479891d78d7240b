package dev.shallows.engine.quant;

/**
 * A (rows, cols) row-major matrix stored in NF4 (see {@link Nf4}): element i has code {@code
 * packed[i/2]} (high nibble for even i, low nibble for odd i) and value {@code LEVELS[code] *
 * absmax[i / 64]}. Immutable by convention: the arrays are shared with kernels, not copied.
 *
 * @param name the HF tensor name
 * @param rows out features
 * @param cols in features
 * @param packed two 4-bit codes per byte, (rows * cols / 2)
 * @param absmax one F32 scale per block of 64 values, (ceil(rows * cols / 64))
 */
public record Nf4Matrix(String name, int rows, int cols, byte[] packed, float[] absmax) {

  public Nf4Matrix {
    long n = (long) rows * cols;
    if (packed.length * 2L != n || absmax.length != (n + Nf4.BLOCK - 1) / Nf4.BLOCK) {
      throw new IllegalArgumentException(name + ": NF4 arrays do not match " + rows + "x" + cols);
    }
  }

  /** The 4-bit code of element i. */
  public int code(int i) {
    int b = packed[i >> 1];
    return (i & 1) == 0 ? (b >> 4) & 0xF : b & 0xF;
  }

  /** Element i (row-major) dequantized. */
  public float get(int i) {
    return Nf4.LEVELS[code(i)] * absmax[i / Nf4.BLOCK];
  }

  /** All values dequantized to F32, row-major. */
  public float[] dequantize() {
    float[] out = new float[rows * cols];
    for (int i = 0; i < out.length; i++) {
      out[i] = get(i);
    }
    return out;
  }

  /** Bytes this matrix occupies (codes + scales), for memory reports. */
  public long bytes() {
    return packed.length + 4L * absmax.length;
  }
}
