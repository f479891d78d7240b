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
  private final int kvHeads;
  private final int headDim;
  private int length;
  private boolean closed;

  CpuSequence(CpuDecoder owner, int layers, int kvHeads, int headDim, int capacity) {
    this.owner = owner;
    this.capacity = capacity;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
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
    SequenceState.checkTruncate(length, newLength);
    length = newLength;
  }

  @Override
  public void copyTo(SequenceState target, int positions) {
    checkRoom(0);
    if (!(target instanceof CpuSequence t) || t.owner != owner || t == this) {
      throw new IllegalArgumentException("target is not another sequence of this decoder");
    }
    t.checkRoom(0);
    SequenceState.checkCopy(length, positions, t.capacity);
    int n = positions * headDim;
    for (int l = 0; l < keys.length; l++) {
      for (int h = 0; h < kvHeads; h++) {
        int from = h * capacity * headDim;
        int to = h * t.capacity * headDim;
        System.arraycopy(keys[l], from, t.keys[l], to, n);
        System.arraycopy(values[l], from, t.values[l], to, n);
      }
    }
    t.length = positions;
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
