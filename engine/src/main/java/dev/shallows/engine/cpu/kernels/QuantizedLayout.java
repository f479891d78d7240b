package dev.shallows.engine.cpu.kernels;

import dev.shallows.engine.Matrix;
import dev.shallows.engine.StoredRows;
import dev.shallows.engine.quant.Nf4;
import dev.shallows.engine.quant.Nf4Matrix;
import dev.shallows.store.DType;
import dev.shallows.store.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The on-disk layout of quantized linear weights in a safetensors checkpoint (written by {@code
 * shallows quantize}, read by {@link dev.shallows.engine.StoredMatrices}); config.json carries
 * {@code "quantization": {"format": "int8"|"nf4", ...}}. Only the linear weights ({@code
 * *_proj.weight}, {@code lm_head.weight}) are quantized; every other tensor is stored as in the
 * source.
 *
 * <ul>
 *   <li>int8: {@code NAME} I8 (rows, cols), symmetric codes in [-127, 127]; {@code NAME_scale} F32
 *       (rows); W[r, c] = code · scale[r], scale = row absmax / 127.
 *   <li>nf4: {@code NAME} U8 (rows, cols / 2), two codes per byte, high nibble = even column (the
 *       bitsandbytes order), quantized row by row with {@link Nf4#quantize} (blocks of 64 within a
 *       row); {@code NAME_absmax} F32 (rows, ceil(cols / 64)); W[r, c] = LEVELS[code] · absmax[r, c
 *       / 64]. cols must be even.
 * </ul>
 */
public final class QuantizedLayout {

  public static final String SCALE = "_scale";
  public static final String ABSMAX = "_absmax";

  private QuantizedLayout() {}

  /** Whether a tensor name is a linear weight that {@code shallows quantize} narrows. */
  public static boolean isLinear(String name) {
    return name.equals("lm_head.weight") || name.endsWith("_proj.weight");
  }

  /** Symmetric int8 codes of one row into q[off..off+n); returns the scale (absmax / 127). */
  static float int8Row(float[] a, int n, byte[] q, int off) {
    float max = 0;
    for (int c = 0; c < n; c++) {
      max = Math.max(max, Math.abs(a[c]));
    }
    float s = max / 127f;
    float inv = s == 0 ? 0 : 1f / s;
    for (int c = 0; c < n; c++) {
      q[off + c] = (byte) Math.max(-127, Math.min(127, Math.round(a[c] * inv)));
    }
    return s;
  }

  /** The stored tensors of one (rows, cols) F32 weight in {@code format} (INT8 or NF4). */
  public static List<Tensor> encode(
      String name, FloatBuffer w, int rows, int cols, WeightFormat f) {
    float[] a = new float[cols];
    switch (f) {
      case INT8:
        {
          byte[] q = new byte[Math.multiplyExact(rows, cols)];
          float[] scale = new float[rows];
          for (int r = 0; r < rows; r++) {
            w.get(w.position() + r * cols, a, 0, cols);
            scale[r] = int8Row(a, cols, q, r * cols);
          }
          return List.of(
              new Tensor(name, DType.I8, new long[] {rows, cols}, ByteBuffer.wrap(q)),
              Tensor.ofFloats(name + SCALE, new long[] {rows}, scale));
        }
      case NF4:
        {
          if (cols % 2 != 0) {
            throw new IllegalArgumentException(name + ": NF4 needs an even column count");
          }
          int groups = (cols + Nf4.BLOCK - 1) / Nf4.BLOCK;
          byte[] codes = new byte[Math.multiplyExact(rows, cols / 2)];
          float[] absmax = new float[rows * groups];
          for (int r = 0; r < rows; r++) {
            w.get(w.position() + r * cols, a, 0, cols);
            Nf4Matrix m = Nf4.quantize(name, a, 1, cols);
            System.arraycopy(m.packed(), 0, codes, r * (cols / 2), cols / 2);
            System.arraycopy(m.absmax(), 0, absmax, r * groups, groups);
          }
          return List.of(
              new Tensor(name, DType.U8, new long[] {rows, cols / 2}, ByteBuffer.wrap(codes)),
              Tensor.ofFloats(name + ABSMAX, new long[] {rows, groups}, absmax));
        }
      default:
        throw new IllegalArgumentException("not a code format: " + f);
    }
  }

  /**
   * Stored codes (I8 or U8 tensor) with their scales as a lazily decoded matrix source: rows are
   * read from the file ({@code rows}) and dequantized one at a time for repacking; the whole F32
   * form only when asked for.
   */
  public static Matrix.Source source(Tensor codes, Tensor scales, StoredRows rows) {
    boolean nf4 = codes.dtype() == DType.U8;
    int cols = Math.toIntExact(codes.shape()[1] * (nf4 ? 2 : 1));
    int n = Math.toIntExact(codes.shape()[0]);
    float[] s = scales.toFloatArray(); // int8: (rows); nf4: (rows, groups)
    int groups = (cols + Nf4.BLOCK - 1) / Nf4.BLOCK;
    return new Matrix.Source() {
      @Override
      public void row(int r, float[] dst) {
        ByteBuffer in = rows.row(r);
        if (nf4) {
          for (int c = 0; c < cols; c++) {
            int b = in.get(c / 2);
            int code = (c & 1) == 0 ? (b >> 4) & 15 : b & 15;
            dst[c] = Nf4.LEVELS[code] * s[r * groups + c / Nf4.BLOCK];
          }
        } else {
          for (int c = 0; c < cols; c++) {
            dst[c] = in.get(c) * s[r];
          }
        }
      }

      @Override
      public FloatBuffer toF32() {
        FloatBuffer out =
            ByteBuffer.allocateDirect(Math.multiplyExact(4 * n, cols))
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        float[] a = new float[cols];
        for (int r = 0; r < n; r++) {
          row(r, a);
          out.put(r * cols, a);
        }
        return out;
      }
    };
  }
}
