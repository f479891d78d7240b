package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import dev.shallows.engine.quant.Nf4;
import dev.shallows.engine.quant.Nf4Matrix;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * NF4 weights (the shared {@link Nf4} quantizer, applied row by row, so absmax blocks of 64 never
 * straddle rows). Layout: per tile of 4 rows, per chunk of 16 columns, {@code row0[8] row1[8]
 * row2[8] row3[8]} bytes (high nibble = even column, as bitsandbytes); scales per tile, per block
 * of 64 columns, {@code s0 s1 s2 s3}. A chunk's 8 bytes widen to 8 ints; each nibble is looked up
 * in the 16 levels with two 8-lane permutes and a blend, FMA'd with de-interleaved activations (8
 * even, then 8 odd columns, as BF16), and each block's partial sum is scaled by its absmax.
 */
final class Nf4Kernel extends PackedMatrix {

  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final IntVector LOW = levels(0);
  private static final IntVector HIGH = levels(8);

  private final byte[] codes; // (tiles, kPad/16, 4, 8)
  private final float[] absmax; // (tiles, kPad/64, 4)
  private final int groups; // blocks of 64 per row

  private Nf4Kernel(String name, int rows, int cols) {
    super(name, rows, cols, Nf4.BLOCK);
    groups = kPad / Nf4.BLOCK;
    codes = new byte[Math.multiplyExact(tiles * TILE, kPad / 2)];
    absmax = new float[tiles * TILE * groups];
  }

  private static IntVector levels(int from) {
    int[] bits = new int[8];
    for (int i = 0; i < 8; i++) {
      bits[i] = Float.floatToRawIntBits(Nf4.LEVELS[from + i]);
    }
    return IntVector.fromArray(I, bits, 0);
  }

  /** Quantizes an F32 matrix with {@link Nf4#quantize} one row at a time and repacks it. */
  static Nf4Kernel pack(Matrix m) {
    Nf4Kernel b = new Nf4Kernel(m.name(), m.rows(), m.cols());
    packTiles(b.tiles, t -> b.packTile(m, t));
    return b;
  }

  private void packTile(Matrix m, int t) {
    int even = cols + (cols & 1);
    for (int r = 0; r < TILE; r++) {
      float[] a = java.util.Arrays.copyOf(row(m, t * TILE + r), even); // odd K: pad a zero
      Nf4Matrix q = Nf4.quantize(name, a, 1, even);
      for (int j = 0; j < even / 2; j++) {
        codes[index(t, r, 2 * j)] = q.packed()[j];
      }
      for (int g = 0; g < q.absmax().length; g++) {
        absmax[(t * groups + g) * TILE + r] = q.absmax()[g];
      }
    }
  }

  /** The byte holding column c (even) of row r of tile t. */
  private int index(int t, int r, int c) {
    return t * TILE * (kPad / 2) + (c >> 4) * 32 + r * 8 + ((c & 15) >> 1);
  }

  @Override
  public WeightFormat format() {
    return WeightFormat.NF4;
  }

  @Override
  public long bytes() {
    return codes.length + 4L * absmax.length;
  }

  @Override
  public float value(int r, int c) {
    int b = codes[index(r / TILE, r % TILE, c & ~1)];
    int code = (c & 1) == 0 ? (b >> 4) & 15 : b & 15;
    return Nf4.LEVELS[code] * absmax[((r / TILE) * groups + c / Nf4.BLOCK) * TILE + r % TILE];
  }

  @Override
  void order(float[] x, int xOff, float[] dst, int dOff) {
    evenOddOrder(x, xOff, dst, dOff);
  }

  @Override
  void dot(int t, float[] xo, float[] y) {
    // one row at a time: a 4-row unrolled body has 16 lookups, too large for C2 to inline the
    // Vector API calls (it then boxes vectors and runs ~10x slower); the tile (4 x kPad/2 bytes)
    // stays in L1 between the row passes, so DRAM still sees one sequential stream
    int base = t * TILE * (kPad / 2);
    int sb = t * groups * TILE;
    for (int r = 0; r < TILE && TILE * t + r < rows; r++) {
      FloatVector acc = FloatVector.zero(F);
      for (int g = 0; g < groups; g++) {
        FloatVector pe = FloatVector.zero(F);
        FloatVector po = pe;
        for (int c = g * 64; c < g * 64 + 64; c += 16) {
          IntVector v = bytes(base + 2 * c + 8 * r);
          pe = even(v).fma(FloatVector.fromArray(F, xo, c), pe);
          po = odd(v).fma(FloatVector.fromArray(F, xo, c + 8), po);
        }
        acc = pe.add(po).fma(FloatVector.broadcast(F, absmax[sb + g * TILE + r]), acc);
      }
      y[TILE * t + r] = acc.reduceLanes(VectorOperators.ADD);
    }
  }

  @Override
  void decode(int t, float[] dst) {
    int base = t * TILE * (kPad / 2);
    for (int c = 0; c < kPad; c += 16) {
      int s = (t * groups + c / 64) * TILE;
      for (int r = 0; r < TILE; r++) {
        IntVector v = bytes(base + 2 * c + 8 * r);
        even(v).mul(absmax[s + r]).intoArray(dst, r * kPad + c);
        odd(v).mul(absmax[s + r]).intoArray(dst, r * kPad + c + 8);
      }
    }
  }

  /** 8 code bytes widened (sign-extended) to 8 ints. */
  private IntVector bytes(int p) {
    return (IntVector) ByteVector.fromArray(B, codes, p).convertShape(VectorOperators.B2I, I, 0);
  }

  private static FloatVector even(IntVector v) {
    return lookup(v.lanewise(VectorOperators.ASHR, 4).and(15));
  }

  private static FloatVector odd(IntVector v) {
    return lookup(v.and(15));
  }

  /** LEVELS[code] for 8 codes in 0..15: two 8-entry permutes, blended on code >= 8. */
  private static FloatVector lookup(IntVector code) {
    VectorShuffle<Integer> s = code.and(7).toShuffle();
    VectorMask<Integer> high = code.compare(VectorOperators.GT, 7);
    return LOW.rearrange(s).blend(HIGH.rearrange(s), high).reinterpretAsFloats();
  }
}
