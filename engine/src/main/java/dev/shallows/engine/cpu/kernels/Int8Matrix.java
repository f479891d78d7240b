package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weight-only int8: row i is {@code scale[i] * q[i, c]} with q in [-127, 127] and scale = row
 * absmax / 127 (symmetric, round to nearest). Layout: per tile of 4 rows, per chunk of 8 columns,
 * {@code row0[8] row1[8] row2[8] row3[8]} bytes; 8 bytes widen to 8 floats ({@code B2F}) per FMA.
 * Activations in natural column order.
 */
final class Int8Matrix extends PackedMatrix {

  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private final byte[] q; // (tiles, kPad/8, 4, 8)
  private final float[] scale; // (tiles * 4)

  private Int8Matrix(String name, int rows, int cols) {
    super(name, rows, cols, 16);
    q = new byte[Math.multiplyExact(tiles * TILE, kPad)];
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
        q[index(t, r, c)] = codes[c];
      }
    }
  }

  private int index(int t, int r, int c) {
    return t * TILE * kPad + (c >> 3) * 32 + r * 8 + (c & 7);
  }

  @Override
  public WeightFormat format() {
    return WeightFormat.INT8;
  }

  @Override
  public long bytes() {
    return q.length + 4L * scale.length;
  }

  @Override
  public float value(int r, int c) {
    return q[index(r / TILE, r % TILE, c)] * scale[r];
  }

  @Override
  void order(float[] x, int xOff, float[] dst, int dOff) {
    System.arraycopy(x, xOff, dst, dOff, cols);
    java.util.Arrays.fill(dst, dOff + cols, dOff + kPad, 0f);
  }

  @Override
  void dot(int t, float[] xo, float[] y) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector b2 = a0;
    FloatVector b3 = a0;
    int base = t * TILE * kPad;
    for (int c = 0; c < kPad; c += 16) { // two 8-column chunks per pass
      int p = base + 4 * c;
      FloatVector x0 = FloatVector.fromArray(F, xo, c);
      FloatVector x1 = FloatVector.fromArray(F, xo, c + 8);
      a0 = widen(p).fma(x0, a0);
      a1 = widen(p + 8).fma(x0, a1);
      a2 = widen(p + 16).fma(x0, a2);
      a3 = widen(p + 24).fma(x0, a3);
      b0 = widen(p + 32).fma(x1, b0);
      b1 = widen(p + 40).fma(x1, b1);
      b2 = widen(p + 48).fma(x1, b2);
      b3 = widen(p + 56).fma(x1, b3);
    }
    int i = TILE * t;
    put(
        y,
        0,
        i,
        rows,
        a0.add(b0).mul(scale[i]),
        a1.add(b1).mul(scale[i + 1]),
        a2.add(b2).mul(scale[i + 2]),
        a3.add(b3).mul(scale[i + 3]));
  }

  @Override
  void decode(int t, float[] dst) {
    int base = t * TILE * kPad;
    for (int c = 0; c < kPad; c += 8) {
      for (int r = 0; r < TILE; r++) {
        widen(base + 4 * c + 8 * r).mul(scale[t * TILE + r]).intoArray(dst, r * kPad + c);
      }
    }
  }

  private FloatVector widen(int p) {
    return (FloatVector) ByteVector.fromArray(B, q, p).convertShape(VectorOperators.B2F, F, 0);
  }
}
