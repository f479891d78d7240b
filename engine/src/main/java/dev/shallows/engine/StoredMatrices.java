package dev.shallows.engine;

import dev.shallows.engine.cpu.kernels.QuantizedLayout;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import dev.shallows.store.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * {@link Matrix} views of a checkpoint's stored tensors: F32 is the mapping itself (zero copy);
 * F16/BF16 and int8/NF4 codes ({@link QuantizedLayout}) are decoded on demand, so a narrow-weight
 * kernel can repack them row by row without an F32 copy ever being resident.
 */
final class StoredMatrices {

  private StoredMatrices() {}

  /** The (rows, cols) weight {@code name} of {@code ckpt}. */
  static Matrix of(Checkpoint ckpt, String name, int rows, int cols) {
    Tensor t = ckpt.tensor(name);
    long stored = (long) rows * cols / (t.dtype() == DType.U8 ? 2 : 1);
    if (t.numel() != stored) {
      throw new IllegalArgumentException(
          name
              + " has "
              + t.numel()
              + " "
              + t.dtype()
              + " elements, expected "
              + rows
              + "x"
              + cols);
    }
    return switch (t.dtype()) {
      case F32 -> new Matrix(name, t.toF32(), rows, cols);
      case F16, BF16 ->
          Matrix.lazy(name, rows, cols, widening(t, cols, new StoredRows(ckpt, name, 2 * cols)));
      case I8 ->
          Matrix.lazy(
              name,
              rows,
              cols,
              QuantizedLayout.source(
                  t, ckpt.tensor(name + QuantizedLayout.SCALE), new StoredRows(ckpt, name, cols)));
      case U8 ->
          Matrix.lazy(
              name,
              rows,
              cols,
              QuantizedLayout.source(
                  t,
                  ckpt.tensor(name + QuantizedLayout.ABSMAX),
                  new StoredRows(ckpt, name, cols / 2)));
    };
  }

  /**
   * A 16-bit float tensor widened row by row (read from the file), or whole by {@link
   * Tensor#toF32}.
   */
  private static Matrix.Source widening(Tensor t, int cols, StoredRows rows) {
    boolean bf16 = t.dtype() == DType.BF16;
    return new Matrix.Source() {
      @Override
      public FloatBuffer toF32() {
        return t.toF32();
      }

      @Override
      public void row(int r, float[] dst) {
        ByteBuffer in = rows.row(r);
        for (int c = 0; c < cols; c++) {
          short bits = in.getShort(2 * c);
          dst[c] = bf16 ? Tensor.bf16ToFloat(bits) : Tensor.halfToFloat(bits);
        }
      }
    };
  }
}
