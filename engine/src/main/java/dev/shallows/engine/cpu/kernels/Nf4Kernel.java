package dev.shallows.engine.cpu.kernels;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.LSHL;

import dev.shallows.engine.Matrix;
import dev.shallows.engine.quant.Nf4;
import dev.shallows.engine.quant.Nf4Matrix;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * NF4 weights (the shared {@link Nf4} quantizer, applied row by row, so absmax blocks of 64 never
 * straddle rows), looked up 16 codes at a time with one byte shuffle (pshufb) in a table of the 16
 * levels as int8, {@code round(127 * level)}, as llama.cpp's IQ4_NL does; a 16-lane byte shuffle is
 * the only table lookup that is cheap in JDK 17's Vector API (8-lane float permutes cost about
 * three times as much). The int8 table moves a weight by at most 0.47/127 = 0.0037 of its block's
 * absmax from the exact NF4 value (the F32 levels), under 2.5% of NF4's own rounding bound (half
 * the largest level gap, 0.152). Layout: per tile of 4 rows, per chunk of 32 columns, {@code
 * row0[16] row1[16] row2[16] row3[16]} bytes, byte i holding column i in its low nibble and column
 * 16 + i in its high nibble, so activations stay in natural order; scales (absmax / 127) per tile,
 * per block of 64 columns, {@code s0 s1 s2 s3}.
 *
 * <p>One activation row is multiplied in integers: the activations are quantized to int8 per block
 * of 64 columns ({@link Activations#quantize}, as llama.cpp quantizes activations for its 4-bit
 * formats), looked-up levels widen to 16 bits and multiply the codes there, and each 32-column
 * chunk's int32 sum is scaled once; about 1.5x the weights per second of widening the levels to
 * floats (JDK 17 has no int8 dot-product instruction, so the lookup and widening still cost more
 * than int8's kernel). Batched rows decode a tile to floats and multiply F32 activations: there the
 * activations' quantization would cost time and buy none (the tile's lookup is paid once).
 */
final class Nf4Kernel extends PackedMatrix {

  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;

  /** The 16 levels as int8: round(127 * level). */
  private static final byte[] LEVELS8 = int8Levels();

  private static final ByteVector TABLE = ByteVector.fromArray(B, LEVELS8, 0);
  private static final int CHUNK = 32; // columns per 16-byte row chunk

  private final byte[] codes; // (tiles, kPad/32, 4, 16)
  private final float[] scale; // (tiles, kPad/64, 4): absmax / 127
  private final int groups; // blocks of 64 per row

  private Nf4Kernel(String name, int rows, int cols) {
    super(name, rows, cols, Nf4.BLOCK);
    groups = kPad / Nf4.BLOCK;
    codes = new byte[Math.multiplyExact(tiles * TILE, kPad / 2)];
    scale = new float[tiles * TILE * groups];
  }

  private static byte[] int8Levels() {
    byte[] t = new byte[16];
    for (int i = 0; i < 16; i++) {
      t[i] = (byte) Math.round(127 * Nf4.LEVELS[i]);
    }
    return t;
  }

  /** The largest distance between a level and its int8 stand-in, as a fraction of absmax. */
  static double levelRounding() {
    double worst = 0;
    for (int i = 0; i < 16; i++) {
      worst = Math.max(worst, Math.abs(LEVELS8[i] / 127.0 - Nf4.LEVELS[i]));
    }
    return worst;
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
      byte[] packed = q.packed(); // column 2j in the high nibble of byte j, 2j+1 in the low
      for (int c = 0; c < even; c++) {
        int b = packed[c >> 1];
        int code = (c & 1) == 0 ? (b >> 4) & 15 : b & 15;
        int at = index(t, r, c);
        int shift = (c & 16) == 0 ? 0 : 4;
        codes[at] = (byte) (codes[at] | code << shift);
      }
      for (int g = 0; g < q.absmax().length; g++) {
        scale[(t * groups + g) * TILE + r] = q.absmax()[g] / 127f;
      }
    }
  }

  /** The byte holding column c of row r of tile t. */
  private int index(int t, int r, int c) {
    return t * TILE * (kPad / 2) + (c >> 5) * 64 + r * 16 + (c & 15);
  }

  @Override
  public WeightFormat format() {
    return WeightFormat.NF4;
  }

  @Override
  public long bytes() {
    return codes.length + 4L * scale.length;
  }

  @Override
  public float value(int r, int c) {
    int b = codes[index(r / TILE, r % TILE, c)];
    int code = (c & 16) == 0 ? b & 15 : (b >> 4) & 15;
    return LEVELS8[code] * scale[((r / TILE) * groups + c / Nf4.BLOCK) * TILE + r % TILE];
  }

  @Override
  void order(float[] x, int xOff, float[] dst, int dOff) {
    System.arraycopy(x, xOff, dst, dOff, cols);
    java.util.Arrays.fill(dst, dOff + cols, dOff + kPad, 0f);
  }

  /** The one-row kernel multiplies int8 activation codes by the int8 levels in 16-bit lanes. */
  @Override
  boolean quantizesActivations() {
    return true;
  }

  @Override
  void dot(int t, Activations a, int row, float[] y, int yOff) {
    int base = t * TILE * (kPad / 2);
    for (int r = 0; r < TILE && TILE * t + r < rows; r++) {
      y[yOff + TILE * t + r] =
          rowDot(
              base + 16 * r, (t * groups) * TILE + r, a.codes, row * kPad, a.scales, row * groups);
    }
  }

  /**
   * One row: codes from {@code at} (chunks 64 bytes apart), weight block scales every 4 floats from
   * {@code s}, activation codes xs[x ..] and their block scales xsc[xs0 ..].
   */
  private float rowDot(int at, int s, short[] xs, int x, float[] xsc, int xs0) {
    // per 32-column chunk: levels (int8) x activation codes (int8) in int16 lanes, two products
    // per lane (|sum| <= 2 * 127 * 127 < 2^15), the lanes' 16-bit halves summed into int32 (exact),
    // then one float FMA by (weight block scale x activation block scale). One chunk per pass and
    // one row per call: larger bodies go past C2's node budget for inlining the Vector API calls,
    // and then every vector is boxed (10x slower)
    FloatVector acc = FloatVector.zero(F);
    for (int c = 0; c < kPad; c += CHUNK) {
      ByteVector v = ByteVector.fromArray(B, codes, at + 2 * c);
      ShortVector pl = widen16(low(v)).mul(ShortVector.fromArray(S, xs, x + c));
      ShortVector ph = widen16(high(v)).mul(ShortVector.fromArray(S, xs, x + c + 16));
      IntVector u = pl.add(ph).reinterpretAsInts(); // 16-bit halves: sums of two products
      IntVector sum = u.lanewise(LSHL, 16).lanewise(ASHR, 16).add(u.lanewise(ASHR, 16));
      int g = c / Nf4.BLOCK;
      float scales = scale[s + g * TILE] * xsc[xs0 + g];
      acc = toFloats(sum).fma(FloatVector.broadcast(F, scales), acc);
    }
    return acc.reduceLanes(VectorOperators.ADD);
  }

  private static ShortVector widen16(ByteVector v) {
    return (ShortVector) v.convertShape(VectorOperators.B2S, S, 0);
  }

  /**
   * Int lanes as floats. Not {@code convert(I2F, 0)}: that looks the species up at run time, and C2
   * does not always fold the lookup (the vectors are then boxed).
   */
  private static FloatVector toFloats(IntVector v) {
    return (FloatVector) v.convertShape(VectorOperators.I2F, F, 0);
  }

  /** Never fused: the table lookup is the cost, and a decoded tile pays it once for all rows. */
  @Override
  int fusedMaxRows() {
    return 1;
  }

  @Override
  void decode(int t, float[] dst) {
    int base = t * TILE * (kPad / 2);
    for (int c = 0; c < kPad; c += CHUNK) {
      int s = (t * groups + c / Nf4.BLOCK) * TILE;
      for (int r = 0; r < TILE; r++) {
        ByteVector v = ByteVector.fromArray(B, codes, base + 2 * c + 16 * r);
        ByteVector lo = low(v);
        ByteVector hi = high(v);
        float f = scale[s + r];
        int d = r * kPad + c;
        widen(lo).mul(f).intoArray(dst, d);
        widen(lo.slice(8)).mul(f).intoArray(dst, d + 8);
        widen(hi).mul(f).intoArray(dst, d + 16);
        widen(hi.slice(8)).mul(f).intoArray(dst, d + 24);
      }
    }
  }

  /** The int8 levels of the 16 low nibbles (columns 0..15 of the chunk). */
  private static ByteVector low(ByteVector v) {
    return TABLE.rearrange(v.and((byte) 15).toShuffle());
  }

  /**
   * The int8 levels of the 16 high nibbles (columns 16..31); an int shift is native, a byte one is
   * not.
   */
  private static ByteVector high(ByteVector v) {
    ByteVector codes =
        v.reinterpretAsInts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 15);
    return TABLE.rearrange(codes.toShuffle());
  }

  /** The first 8 bytes as 8 floats. */
  private static FloatVector widen(ByteVector v) {
    return (FloatVector) v.convertShape(VectorOperators.B2F, F, 0);
  }
}
