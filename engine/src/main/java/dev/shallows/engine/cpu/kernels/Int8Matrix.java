package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight-only int8: row i is {@code scale[i] * q[i, c]} with q in [-127, 127] and scale = row
 * absmax / 127 (symmetric, round to nearest). Codes are packed four to an int: per chunk of 32
 * columns, int lane l holds columns l, 8+l, 16+l, 24+l in its bytes 0..3, so a 256-bit int load
 * widens to four 8-float vectors by shifts and one int-to-float conversion each (about 25% faster
 * than byte-to-float widening from 64-bit loads, which JDK 17 compiles to more instructions), with
 * activations in natural column order. Layout: rows in order, each {@code kPad / 4} ints (the dot
 * kernel streams one row at a time; batched decode reads a tile's 4 rows chunk by chunk).
 */
final class Int8Matrix extends PackedMatrix {

  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final int CHUNK = 32; // columns per 8-int row chunk
  private final int[] q; // (tiles * 4, kPad/4)
  private final float[] scale; // (tiles * 4)
  private final int kq; // ints per row

  private Int8Matrix(String name, int rows, int cols) {
    super(name, rows, cols, CHUNK);
    kq = kPad / 4;
    q = new int[Math.multiplyExact(tiles * TILE, kq)];
    scale = new float[tiles * TILE];
  }

  /** Quantizes an F32 matrix row by row and repacks it. */
  static Int8Matrix pack(Matrix m) {
    Int8Matrix b = new Int8Matrix(m.name(), m.rows(), m.cols());
    packTiles(b.tiles, t -> b.packTile(m, t));
    return b;
  }

  private void packTile(Matrix m, int t) {
    for (int r = 0; r < TILE; r++) {
      byte[] codes = new byte[cols];
      scale[t * TILE + r] = QuantizedLayout.int8Row(row(m, t * TILE + r), cols, codes, 0);
      for (int c = 0; c < cols; c++) {
        q[index(t, r, c)] |= (codes[c] & 0xFF) << shift(c);
      }
    }
  }

  /** The int holding column c of row r of tile t. */
  private int index(int t, int r, int c) {
    return (t * TILE + r) * kq + (c >> 5) * 8 + (c & 7);
  }

  /** The bit offset of column c within its int: byte (c mod 32) / 8. */
  private static int shift(int c) {
    return 8 * ((c & 31) >> 3);
  }

  @Override
  public WeightFormat format() {
    return WeightFormat.INT8;
  }

  @Override
  public long bytes() {
    return 4L * q.length + 4L * scale.length;
  }

  @Override
  public float value(int r, int c) {
    return (byte) (q[index(r / TILE, r % TILE, c)] >> shift(c)) * scale[r];
  }

  @Override
  void order(float[] x, int xOff, float[] dst, int dOff) {
    System.arraycopy(x, xOff, dst, dOff, cols);
    java.util.Arrays.fill(dst, dOff + cols, dOff + kPad, 0f);
  }

  @Override
  void dot(int t, Activations act, int row, float[] y, int yOff) {
    float[] xo = act.x;
    int xOff = row * kPad;
    // one row per pass (4 accumulators): measured faster than 2- and 4-row bodies, which C2
    // compiles worse; the tile stays in L1 between the passes, so DRAM sees one stream
    for (int r = 0; r < TILE && TILE * t + r < rows; r++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      int p = (t * TILE + r) * kq;
      for (int c = 0; c < kPad; c += CHUNK, p += 8) {
        IntVector v = IntVector.fromArray(I, q, p);
        a0 = byte0(v).fma(FloatVector.fromArray(F, xo, xOff + c), a0);
        a1 = byte1(v).fma(FloatVector.fromArray(F, xo, xOff + c + 8), a1);
        a2 = byte2(v).fma(FloatVector.fromArray(F, xo, xOff + c + 16), a2);
        a3 = byte3(v).fma(FloatVector.fromArray(F, xo, xOff + c + 24), a3);
      }
      int i = TILE * t + r;
      y[yOff + i] = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD) * scale[i];
    }
  }

  /**
   * Fused up to 4 rows: on the bench's small shape batch 2 decoded 1.3-2.4x as many tokens/s as
   * with decode-and-multiply, batch 4 1.15-1.55x
   * (docs/results/bench/2026-11-29-small-batch-fused.log).
   */
  @Override
  int fusedMaxRows() {
    return 4;
  }

  @Override
  void decode(int t, float[] dst) {
    for (int c = 0; c < kPad; c += CHUNK) {
      for (int r = 0; r < TILE; r++) {
        IntVector v = IntVector.fromArray(I, q, (t * TILE + r) * kq + c / 4);
        float s = scale[t * TILE + r];
        int d = r * kPad + c;
        byte0(v).mul(s).intoArray(dst, d);
        byte1(v).mul(s).intoArray(dst, d + 8);
        byte2(v).mul(s).intoArray(dst, d + 16);
        byte3(v).mul(s).intoArray(dst, d + 24);
      }
    }
  }

  private static FloatVector byte0(IntVector v) {
    return toFloats(v.lanewise(VectorOperators.LSHL, 24).lanewise(VectorOperators.ASHR, 24));
  }

  private static FloatVector byte1(IntVector v) {
    return toFloats(v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 24));
  }

  private static FloatVector byte2(IntVector v) {
    return toFloats(v.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 24));
  }

  private static FloatVector byte3(IntVector v) {
    return toFloats(v.lanewise(VectorOperators.ASHR, 24));
  }

  private static FloatVector toFloats(IntVector v) {
    return (FloatVector) v.convert(VectorOperators.I2F, 0);
  }
}
