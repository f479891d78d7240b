package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import dev.shallows.store.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * BF16 weights as int pairs (column 2j in the low half, 2j+1 in the high half), widened by {@code v
 * << 16} (even columns) and {@code v & 0xFFFF0000} (odd columns) and FMA'd with de-interleaved
 * activations (STACK-NOTES §9). Layout: per tile of 4 rows, per chunk of 8 ints (16 columns),
 * {@code row0[8] row1[8] row2[8] row3[8]}. Activation order per 16 columns: 8 even, then 8 odd.
 */
final class Bf16Matrix extends PackedMatrix {

  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private final int[] w; // (tiles, kPad/16, 4, 8)
  private final int kh; // ints per row

  private Bf16Matrix(String name, int rows, int cols) {
    super(name, rows, cols, 16);
    kh = kPad / 2;
    w = new int[Math.multiplyExact(tiles * TILE, kh)];
  }

  /** Rounds an F32 matrix to BF16 (nearest even) and repacks it. */
  static Bf16Matrix pack(Matrix m) {
    Bf16Matrix b = new Bf16Matrix(m.name(), m.rows(), m.cols());
    packTiles(b.tiles, t -> b.packTile(m, t));
    return b;
  }

  private void packTile(Matrix m, int t) {
    for (int r = 0; r < TILE; r++) {
      float[] a = row(m, t * TILE + r);
      for (int j = 0; j < kh; j++) {
        int lo = 2 * j < cols ? Tensor.floatToBf16(a[2 * j]) & 0xFFFF : 0;
        int hi = 2 * j + 1 < cols ? Tensor.floatToBf16(a[2 * j + 1]) & 0xFFFF : 0;
        w[index(t, r, j)] = hi << 16 | lo;
      }
    }
  }

  private int index(int t, int r, int j) {
    return t * TILE * kh + (j >> 3) * 32 + r * 8 + (j & 7);
  }

  @Override
  public WeightFormat format() {
    return WeightFormat.BF16;
  }

  @Override
  public long bytes() {
    return 4L * w.length;
  }

  @Override
  public float value(int r, int c) {
    int v = w[index(r / TILE, r % TILE, c >> 1)];
    return Float.intBitsToFloat((c & 1) == 0 ? v << 16 : v & 0xFFFF0000);
  }

  @Override
  void order(float[] x, int xOff, float[] dst, int dOff) {
    evenOddOrder(x, xOff, dst, dOff);
  }

  @Override
  void dot(int t, Activations a, int row, float[] y, int yOff) {
    float[] xo = a.x;
    int xOff = row * kPad;
    FloatVector e0 = FloatVector.zero(F);
    FloatVector e1 = e0;
    FloatVector e2 = e0;
    FloatVector e3 = e0;
    FloatVector o0 = e0;
    FloatVector o1 = e0;
    FloatVector o2 = e0;
    FloatVector o3 = e0;
    int base = t * TILE * kh;
    for (int j = 0; j < kh; j += 8) {
      int p = base + 4 * j;
      FloatVector xe = FloatVector.fromArray(F, xo, xOff + 2 * j);
      FloatVector xd = FloatVector.fromArray(F, xo, xOff + 2 * j + 8);
      IntVector v = IntVector.fromArray(I, w, p);
      e0 = lo(v).fma(xe, e0);
      o0 = hi(v).fma(xd, o0);
      v = IntVector.fromArray(I, w, p + 8);
      e1 = lo(v).fma(xe, e1);
      o1 = hi(v).fma(xd, o1);
      v = IntVector.fromArray(I, w, p + 16);
      e2 = lo(v).fma(xe, e2);
      o2 = hi(v).fma(xd, o2);
      v = IntVector.fromArray(I, w, p + 24);
      e3 = lo(v).fma(xe, e3);
      o3 = hi(v).fma(xd, o3);
    }
    put(y, yOff, TILE * t, rows, e0.add(o0), e1.add(o1), e2.add(o2), e3.add(o3));
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
    int base = t * TILE * kh;
    for (int j = 0; j < kh; j += 8) {
      for (int r = 0; r < TILE; r++) {
        IntVector v = IntVector.fromArray(I, w, base + 4 * j + 8 * r);
        lo(v).intoArray(dst, r * kPad + 2 * j);
        hi(v).intoArray(dst, r * kPad + 2 * j + 8);
      }
    }
  }

  private static FloatVector lo(IntVector v) {
    return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  private static FloatVector hi(IntVector v) {
    return v.and(0xFFFF0000).reinterpretAsFloats();
  }
}
