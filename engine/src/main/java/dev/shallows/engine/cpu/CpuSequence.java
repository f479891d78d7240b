package dev.shallows.engine.cpu;

import dev.shallows.engine.SequenceState;

/**
 * One sequence's KV cache for the {@link CpuDecoder}: per layer, keys and values as heap arrays
 * (KVH, capacity, hd), preallocated and written in place, so scanning one KV head's positions is a
 * sequential read.
 */
final class CpuSequence implements SequenceState {

  final CpuDecoder owner;
  final float[][] keys; // (L)(KVH, capacity, hd)
  final float[][] values; // (L)(KVH, capacity, hd)
  private final int capacity;
  private int length;
  private boolean closed;

  CpuSequence(CpuDecoder owner, int layers, int kvHeads, int headDim, int capacity) {
    this.owner = owner;
    this.capacity = capacity;
    this.keys = new float[layers][kvHeads * capacity * headDim];
    this.values = new float[layers][kvHeads * capacity * headDim];
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public long cacheBytes() {
    return keys.length == 0 ? 0 : 2L * keys.length * keys[0].length * Float.BYTES;
  }

  @Override
  public void truncate(int newLength) {
    checkRoom(0);
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException(
          "cannot truncate a sequence of " + length + " positions to " + newLength);
    }
    length = newLength;
  }

  /** Marks {@code n} more positions as filled (after a forward pass wrote them). */
  void advance(int n) {
    length += n;
  }

  /** Throws unless this open sequence can take {@code n} more positions. */
  void checkRoom(int n) {
    if (closed) {
      throw new IllegalStateException("sequence is closed");
    }
    if (length + n > capacity) {
      throw new IllegalStateException(
          "sequence full: " + length + " + " + n + " positions > capacity " + capacity);
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
