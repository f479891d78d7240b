package dev.shallows.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * One named tensor of a checkpoint: dtype, shape and its raw little-endian bytes, usually a
 * read-only memory mapping of the file (never copied through the Java heap).
 */
public record Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {

  public Tensor {
    long expected = numel(shape) * dtype.bytes();
    if (data.remaining() != expected) {
      throw new IllegalArgumentException(
          name
              + ": "
              + data.remaining()
              + " bytes for shape "
              + Arrays.toString(shape)
              + " "
              + dtype);
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Number of elements. */
  public long numel() {
    return numel(shape);
  }

  public static long numel(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  /**
   * The values as F32 in a direct buffer: the mapping itself for F32 (zero copy), a widened
   * off-heap copy for F16/BF16.
   */
  public FloatBuffer toF32() {
    if (dtype == DType.F32) {
      return data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }
    if (dtype.bytes() != 2) {
      throw new IllegalStateException(name + ": " + dtype + " codes are not floats (quantized)");
    }
    int n = Math.toIntExact(numel());
    ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
    FloatBuffer f = out.asFloatBuffer();
    ShortBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    for (int i = 0; i < n; i++) {
      short bits = in.get(i);
      f.put(i, dtype == DType.BF16 ? bf16ToFloat(bits) : halfToFloat(bits));
    }
    return f;
  }

  /** The values as a heap float array (for small tensors and tests). */
  public float[] toFloatArray() {
    FloatBuffer b = toF32();
    float[] a = new float[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  /** A heap-backed F32 tensor (tests, importers, surgery). */
  public static Tensor ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return new Tensor(name, DType.F32, shape, b);
  }

  /** BF16 is the top half of an F32: widening is a shift. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** IEEE 754 binary16 to F32 (JDK 17 has no Float.float16ToFloat). */
  public static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant / 1024f * 0x1p-14f; // subnormal
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** F32 to IEEE 754 binary16, round to nearest even (for writing F16 checkpoints and tests). */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int val = (bits & 0x7fffffff) + 0x1000; // rounding bias
    if (Float.isNaN(f)) {
      return (short) (sign | 0x7e00);
    }
    if (val >= 0x47800000) { // overflow to infinity
      return (short) (sign | 0x7c00);
    }
    if (val >= 0x38800000) { // normal
      int rounded = (bits & 0x7fffffff) + 0xfff + (((bits & 0x7fffffff) >>> 13) & 1);
      return (short) (sign | ((rounded - 0x38000000) >>> 13));
    }
    if (val < 0x33000000) { // underflow to zero
      return (short) sign;
    }
    // subnormal: a multiple of 2^-24 (Math.rint rounds half to even)
    return (short) (sign | (int) Math.rint(Math.abs(f) * 0x1p24f));
  }

  /** Rounds an F32 to BF16 (round to nearest even), for writing BF16 checkpoints. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
