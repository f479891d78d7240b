package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import dev.shallows.engine.cpu.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A linear weight W (N, K) repacked once, at load time, into a narrow kernel layout of 4-row tiles
 * (each tile one sequential stream of bytes), with y (R, N) = x (R, K) · Wᵀ computed by the Java
 * Vector API. One activation row runs a fused decode-and-FMA kernel per tile (8 accumulators), and
 * so do a few rows, one after the other, where the format's {@link #fusedMaxRows()} allows; more
 * rows decode each tile once into an F32 scratch (L1/L2) and multiply it into the rows two at a
 * time. Tiles are split between the caller and the spinning helper by {@link Parallel}.
 *
 * <p>Kernels use 256-bit vectors (8 floats: AVX2, the widest this host has). Activations are first
 * copied into the format's column order ({@link #order}), zero-padded to {@link #kPad}, and
 * quantized to int8 blocks for a one-row kernel that multiplies integers (NF4).
 */
public abstract class PackedMatrix {

  static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  static final int TILE = 4;
  private static final int TILES_PER_JOB = Integer.getInteger("shallows.kernels.tilesPerJob", 16);

  /** Overrides every format's {@link #fusedMaxRows()} when set (for measuring). */
  private static final Integer FUSED_ROWS_OVERRIDE =
      Integer.getInteger("shallows.kernels.fusedRows");

  /**
   * The multiply loop's stride, read from a field: with a constant stride C2 unrolls that loop four
   * times and spills its accumulators to the stack (measured 39 against 46 GFLOP/s per thread).
   */
  private static int columnStep = 8;

  private static final ThreadLocal<Activations> ACTIVATIONS =
      ThreadLocal.withInitial(Activations::new);
  private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

  final String name;
  final int rows;
  final int cols;
  final int kPad;
  final int tiles;

  PackedMatrix(String name, int rows, int cols, int colMultiple) {
    this.name = name;
    this.rows = rows;
    this.cols = cols;
    this.kPad = (cols + colMultiple - 1) / colMultiple * colMultiple;
    this.tiles = (rows + TILE - 1) / TILE;
  }

  /** Repacks an F32 matrix into {@code format} (F32 itself is not packed: returns null). */
  public static PackedMatrix pack(Matrix m, WeightFormat format) {
    return switch (format) {
      case F32 -> null;
      case BF16 -> Bf16Matrix.pack(m);
      case INT8 -> Int8Matrix.pack(m);
      case NF4 -> Nf4Kernel.pack(m);
    };
  }

  public abstract WeightFormat format();

  /** Bytes this weight occupies in its packed form (codes and scales). */
  public abstract long bytes();

  /** W[r, c] as the kernels see it (scalar decode of the packed layout; for tests). */
  public abstract float value(int r, int c);

  /** Copies x[xOff .. xOff+K) into dst[dOff .. dOff+kPad) in kernel column order, zero-padded. */
  abstract void order(float[] x, int xOff, float[] dst, int dOff);

  /**
   * Whether the one-row kernel multiplies int8 activation codes ({@link Activations#quantize});
   * decode-and-multiply always multiplies the F32 activations.
   */
  boolean quantizesActivations() {
    return false;
  }

  /**
   * y[yOff + i] = W[i] · (activation row {@code row} of a) for the rows i of tile t (kernel order).
   */
  abstract void dot(int t, Activations a, int row, float[] y, int yOff);

  /**
   * Up to this many activation rows run the one-row fused kernel once per row on each tile (the
   * tile stays in L1/L2, so memory still sees one stream); more rows decode each tile once into an
   * F32 scratch and multiply it. A format whose one-row kernel is cheap next to a full decode
   * (BF16, int8) gains for small batches; 1 = always decode.
   */
  int fusedMaxRows() {
    return 1;
  }

  /** Tile t decoded to F32 in kernel column order: dst (4, kPad), scales applied. */
  abstract void decode(int t, float[] dst);

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public String name() {
    return name;
  }

  /** y (m, N) = x (m, K) · Wᵀ; x and y are row-major heap arrays starting at 0. */
  public final void matmul(float[] x, int m, float[] y) {
    Activations a = ACTIVATIONS.get();
    boolean fused =
        m == 1 || m <= (FUSED_ROWS_OVERRIDE != null ? FUSED_ROWS_OVERRIDE : fusedMaxRows());
    boolean codes = fused && quantizesActivations();
    a.ensure(m, kPad, codes);
    for (int r = 0; r < m; r++) {
      order(x, r * cols, a.x, r * kPad);
      if (codes) {
        a.quantize(r, kPad);
      }
    }
    int jobs = (tiles + TILES_PER_JOB - 1) / TILES_PER_JOB;
    // two separate bodies: one shared body profiled first with m == 1 only was later recompiled
    // by C2 with both paths inlined, too large for the Vector API intrinsics (boxed vectors,
    // batch 8 three times slower depending on which batch size ran first)
    if (m == 1) {
      Parallel.forEach(jobs, j -> dotTiles(j, a, y));
    } else if (fused) {
      Parallel.forEach(jobs, j -> dotRowsTiles(j, a, m, y));
    } else {
      Parallel.forEach(jobs, j -> multiplyTiles(j, a.x, m, y));
    }
  }

  private void dotTiles(int job, Activations a, float[] y) {
    int t1 = Math.min(tiles, (job + 1) * TILES_PER_JOB);
    for (int t = job * TILES_PER_JOB; t < t1; t++) {
      dot(t, a, 0, y, 0);
    }
  }

  private void dotRowsTiles(int job, Activations a, int m, float[] y) {
    int t1 = Math.min(tiles, (job + 1) * TILES_PER_JOB);
    for (int t = job * TILES_PER_JOB; t < t1; t++) {
      for (int r = 0; r < m; r++) {
        dot(t, a, r, y, r * rows);
      }
    }
  }

  private void multiplyTiles(int job, float[] xo, int m, float[] y) {
    int t1 = Math.min(tiles, (job + 1) * TILES_PER_JOB);
    float[] d = scratch();
    for (int t = job * TILES_PER_JOB; t < t1; t++) {
      decode(t, d);
      multiply(d, t, xo, m, y);
    }
  }

  private float[] scratch() {
    float[] d = SCRATCH.get();
    if (d == null || d.length < TILE * kPad) {
      d = new float[TILE * kPad];
      SCRATCH.set(d);
    }
    return d;
  }

  /** y[a, 4t+i] = d[i] · xo[a] for every activation row a: 4 rows x 2 activations per pass. */
  private void multiply(float[] d, int t, float[] xo, int m, float[] y) {
    int k = kPad;
    int step = columnStep;
    for (int a = 0; a < m; a += 2) {
      int b = Math.min(a + 1, m - 1); // an odd last row pairs with itself
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector b0 = a0;
      FloatVector b1 = a0;
      FloatVector b2 = a0;
      FloatVector b3 = a0;
      int xa = a * k;
      int xb = b * k;
      for (int c = 0; c < k; c += step) {
        FloatVector u = FloatVector.fromArray(F, xo, xa + c);
        FloatVector v = FloatVector.fromArray(F, xo, xb + c);
        FloatVector w = FloatVector.fromArray(F, d, c);
        a0 = w.fma(u, a0);
        b0 = w.fma(v, b0);
        w = FloatVector.fromArray(F, d, k + c);
        a1 = w.fma(u, a1);
        b1 = w.fma(v, b1);
        w = FloatVector.fromArray(F, d, 2 * k + c);
        a2 = w.fma(u, a2);
        b2 = w.fma(v, b2);
        w = FloatVector.fromArray(F, d, 3 * k + c);
        a3 = w.fma(u, a3);
        b3 = w.fma(v, b3);
      }
      int i = TILE * t;
      int n = rows;
      put(y, a * n, i, n, a0, a1, a2, a3);
      if (b != a) {
        put(y, b * n, i, n, b0, b1, b2, b3);
      }
    }
  }

  /** Writes the lane sums of four accumulators to y[off + i .. off + i + 3] (rows < n only). */
  static void put(
      float[] y,
      int off,
      int i,
      int n,
      FloatVector s0,
      FloatVector s1,
      FloatVector s2,
      FloatVector s3) {
    y[off + i] = s0.reduceLanes(VectorOperators.ADD);
    if (i + 1 < n) {
      y[off + i + 1] = s1.reduceLanes(VectorOperators.ADD);
    }
    if (i + 2 < n) {
      y[off + i + 2] = s2.reduceLanes(VectorOperators.ADD);
    }
    if (i + 3 < n) {
      y[off + i + 3] = s3.reduceLanes(VectorOperators.ADD);
    }
  }

  /**
   * The column order of formats that pack two columns per 32-bit or 8-bit unit (BF16, NF4): per
   * chunk of 16 columns, the 8 even columns, then the 8 odd ones; zeros past {@link #cols}.
   */
  final void evenOddOrder(float[] x, int xOff, float[] dst, int dOff) {
    for (int c0 = 0; c0 < kPad; c0 += 16) {
      for (int l = 0; l < 8; l++) {
        int e = c0 + 2 * l;
        dst[dOff + c0 + l] = e < cols ? x[xOff + e] : 0f;
        dst[dOff + c0 + 8 + l] = e + 1 < cols ? x[xOff + e + 1] : 0f;
      }
    }
  }

  /** Row r of m as F32 (a copy; rows past the matrix are zeros). */
  static float[] row(Matrix m, int r) {
    float[] a = new float[m.cols()];
    if (r < m.rows()) {
      m.row(r, a);
    }
    return a;
  }

  /** Runs pack(t) for every tile, spread over the CPU threads. */
  static void packTiles(int tiles, Parallel.Body pack) {
    int per = 64;
    Parallel.forEach(
        (tiles + per - 1) / per,
        j -> {
          for (int t = j * per; t < Math.min(tiles, (j + 1) * per); t++) {
            pack.run(t);
          }
        });
  }
}
