package dev.shallows.engine;

import dev.shallows.store.Checkpoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One stored row of a checkpoint tensor at a time, read from the file ({@link Checkpoint#read})
 * into a per-thread heap buffer rather than through the mapping: repacking a narrow variant then
 * leaves no mapped pages of it resident in the process.
 */
public final class StoredRows {

  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(0));

  private final Checkpoint checkpoint;
  private final String name;
  private final int rowBytes;

  public StoredRows(Checkpoint checkpoint, String name, int rowBytes) {
    this.checkpoint = checkpoint;
    this.name = name;
    this.rowBytes = rowBytes;
  }

  /**
   * Row r's bytes, little-endian, position 0, limit the row's length (valid until the next call).
   */
  public ByteBuffer row(int r) {
    ByteBuffer b = BUFFER.get();
    if (b.capacity() < rowBytes) {
      b = ByteBuffer.allocate(rowBytes);
      BUFFER.set(b);
    }
    b.clear().limit(rowBytes);
    checkpoint.read(name, (long) r * rowBytes, b);
    return b.flip().order(ByteOrder.LITTLE_ENDIAN);
  }
}
