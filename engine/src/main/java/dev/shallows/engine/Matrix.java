package dev.shallows.engine;

import java.nio.FloatBuffer;

/**
 * An F32 weight in HF layout, (rows, cols) row-major: a linear layer's (out, in), an embedding's
 * (V, D), a norm's (1, D). The buffer is direct (a file mapping or a widened off-heap copy) so
 * OpenBLAS and DJL can use it without copying.
 */
public record Matrix(String name, FloatBuffer data, int rows, int cols) {

  public Matrix {
    if (!data.isDirect()) {
      throw new IllegalArgumentException(name + ": weights must be in a direct buffer");
    }
    if ((long) rows * cols != data.remaining()) {
      throw new IllegalArgumentException(
          name + ": " + data.remaining() + " floats for " + rows + "x" + cols);
    }
  }

  /** Element (r, c). Slow path, for tests and small reference code. */
  public float get(int r, int c) {
    return data.get(data.position() + r * cols + c);
  }

  /** A vector's element i (for 1-row matrices: norms, biases). */
  public float get(int i) {
    return data.get(data.position() + i);
  }
}
