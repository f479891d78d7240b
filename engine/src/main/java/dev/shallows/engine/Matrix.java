package dev.shallows.engine;

import java.nio.FloatBuffer;

/**
 * An F32 weight in HF layout, (rows, cols) row-major: a linear layer's (out, in), an embedding's
 * (V, D), a norm's (1, D). {@link #data()} is a direct buffer (a file mapping or a decoded off-heap
 * copy) so OpenBLAS and DJL can use it without copying. A matrix stored narrower (BF16, F16, int8
 * or NF4 codes) is decoded to F32 only on the first {@link #data()} call: narrow-weight kernels
 * repack it row by row ({@link #row}) and never hold the F32 form.
 */
public final class Matrix {

  /** Where a lazily decoded matrix's values come from. */
  public interface Source {
    /** The whole matrix as a direct F32 buffer (allocates; called at most once per matrix). */
    FloatBuffer toF32();

    /** Row r as F32 into dst[0 .. cols). */
    void row(int r, float[] dst);
  }

  private final String name;
  private final int rows;
  private final int cols;
  private final Source source; // null when data was given
  private volatile FloatBuffer data;

  /** A matrix over an F32 direct buffer holding exactly rows * cols floats. */
  public Matrix(String name, FloatBuffer data, int rows, int cols) {
    this(name, rows, cols, null);
    this.data = checked(data);
  }

  private Matrix(String name, int rows, int cols, Source source) {
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.source = source;
  }

  /** A matrix decoded from {@code source} on demand. */
  public static Matrix lazy(String name, int rows, int cols, Source source) {
    return new Matrix(name, rows, cols, source);
  }

  public String name() {
    return name;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The F32 values, (rows, cols) row-major; decodes (once) a lazily stored matrix. */
  public FloatBuffer data() {
    FloatBuffer d = data;
    if (d == null) {
      synchronized (this) {
        d = data;
        if (d == null) {
          d = checked(source.toF32());
          data = d;
        }
      }
    }
    return d;
  }

  /** Whether the F32 form exists (false while a lazily stored matrix was only read by rows). */
  public boolean materialized() {
    return data != null;
  }

  /** Row r into dst[0 .. cols), from the F32 form if it exists, else decoded from the source. */
  public void row(int r, float[] dst) {
    FloatBuffer d = data;
    if (d != null) {
      d.get(d.position() + r * cols, dst, 0, cols);
    } else {
      source.row(r, dst);
    }
  }

  /** Element (r, c). Slow path, for tests and small reference code. */
  public float get(int r, int c) {
    FloatBuffer d = data();
    return d.get(d.position() + r * cols + c);
  }

  /** A vector's element i (for 1-row matrices: norms, biases). */
  public float get(int i) {
    FloatBuffer d = data();
    return d.get(d.position() + i);
  }

  @Override
  public String toString() {
    return "Matrix[" + name + ", " + rows + "x" + cols + "]";
  }

  private FloatBuffer checked(FloatBuffer d) {
    if (!d.isDirect()) {
      throw new IllegalArgumentException(name + ": weights must be in a direct buffer");
    }
    if ((long) rows * cols != d.remaining()) {
      throw new IllegalArgumentException(
          name + ": " + d.remaining() + " floats for " + rows + "x" + cols);
    }
    return d;
  }
}
