package dev.shallows.engine.quant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An {@link Nf4Matrix} held in DJL native memory (4-bit codes as uint8 + F32 block scales) that
 * dequantizes itself on the fly for a forward pass: two 256-entry lookups (high and low nibble of
 * each byte), then a per-block scale. The F32 matrix exists only as a temporary of the caller's
 * step manager; the resident weight stays at ~0.53 bytes per value (0.5 + 4/64).
 */
public final class Nf4Djl implements AutoCloseable {

  private final int rows;
  private final int cols;
  private final NDManager manager;
  private final NDArray packed; // (rows * cols / 2) uint8
  private final NDArray absmax; // (blocks, 1) F32
  private final NDArray hiLut; // (256) F32: LEVELS[b >> 4]
  private final NDArray loLut; // (256) F32: LEVELS[b & 15]

  /** Copies {@code m} into a sub-manager of {@code parent} (closed with this object). */
  public Nf4Djl(NDManager parent, Nf4Matrix m) {
    if (((long) m.rows() * m.cols()) % Nf4.BLOCK != 0) {
      throw new IllegalArgumentException(
          m.name() + ": on-the-fly NF4 needs rows*cols to be a multiple of " + Nf4.BLOCK);
    }
    this.rows = m.rows();
    this.cols = m.cols();
    this.manager = parent.newSubManager();
    ByteBuffer codes = ByteBuffer.allocateDirect(m.packed().length).order(ByteOrder.nativeOrder());
    codes.put(m.packed()).flip();
    this.packed = manager.create(codes, new Shape(m.packed().length), DataType.UINT8);
    this.absmax = manager.create(m.absmax(), new Shape(m.absmax().length, 1));
    float[] hi = new float[256];
    float[] lo = new float[256];
    for (int b = 0; b < 256; b++) {
      hi[b] = Nf4.LEVELS[b >> 4];
      lo[b] = Nf4.LEVELS[b & 15];
    }
    this.hiLut = manager.create(hi);
    this.loLut = manager.create(lo);
  }

  /** The dequantized (rows, cols) F32 weight, created in {@code step} (the caller frees it). */
  public NDArray dequantize(NDManager step) {
    try (NDArray idx = packed.toType(DataType.INT64, true)) { // (N/2)
      NDArray hi = hiLut.take(step, idx); // (N/2) even elements
      NDArray lo = loLut.take(step, idx); // (N/2) odd elements
      NDArray pairs = NDArrays.stack(new NDList(hi, lo), 1); // (N/2, 2)
      NDArray blocks = pairs.reshape(-1, Nf4.BLOCK).mul(absmax); // (blocks, 64)
      return blocks.reshape(rows, cols);
    }
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  @Override
  public void close() {
    manager.close();
  }
}
