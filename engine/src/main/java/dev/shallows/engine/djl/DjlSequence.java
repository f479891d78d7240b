package dev.shallows.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.shallows.engine.SequenceState;

/**
 * One sequence of a {@link DjlDecoder}: a preallocated KV cache in its own {@link NDManager} (the
 * per-sequence tier of native memory), written in place position by position. Closing frees it.
 */
final class DjlSequence implements SequenceState {

  private final DjlDecoder owner;
  private final NDManager manager;
  private final NDArray keys; // (L, KVH, capacity, hd)
  private final NDArray values; // (L, KVH, capacity, hd)
  private final int capacity;
  private int length;

  DjlSequence(DjlDecoder owner, NDManager manager, Shape cacheShape, DataType dtype) {
    this.owner = owner;
    this.manager = manager;
    this.keys = manager.zeros(cacheShape, dtype);
    this.values = manager.zeros(cacheShape, dtype);
    this.capacity = (int) cacheShape.get(2);
  }

  DjlDecoder owner() {
    return owner;
  }

  NDManager manager() {
    return manager;
  }

  /**
   * Writes the new keys and values k, v (1, KVH, T, hd) of layer {@code l} at position {@code p}.
   */
  void write(int l, int p, NDArray k, NDArray v) {
    int t = (int) k.getShape().get(2);
    NDIndex at = new NDIndex().addIndices(l).addAllDim().addSliceDim(p, p + t);
    keys.set(at, k.squeeze(0));
    values.set(at, v.squeeze(0));
  }

  /**
   * Views (1, KVH, n, hd) of the first n cached keys and values of layer l, owned by {@code step}.
   */
  NDArray[] read(NDManager step, int l, int n) {
    NDIndex upTo = new NDIndex().addIndices(l).addAllDim().addSliceDim(0, n);
    return new NDArray[] {keys.get(step, upTo).expandDims(0), values.get(step, upTo).expandDims(0)};
  }

  void advance(int n) {
    length += n;
  }

  @Override
  public void truncate(int newLength) {
    SequenceState.checkTruncate(length, newLength);
    length = newLength;
  }

  @Override
  public void copyTo(SequenceState target, int positions) {
    if (!(target instanceof DjlSequence t) || t.owner != owner || t == this) {
      throw new IllegalArgumentException("target is not another sequence of this decoder");
    }
    SequenceState.checkCopy(length, positions, t.capacity);
    if (positions > 0) {
      NDIndex upTo = new NDIndex().addAllDim().addAllDim().addSliceDim(0, positions);
      try (NDManager step = manager.newSubManager()) {
        t.keys.set(upTo, keys.get(step, upTo)); // (L, KVH, positions, hd)
        t.values.set(upTo, values.get(step, upTo));
      }
    }
    t.length = positions;
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
    return 2L * keys.size() * keys.getDataType().getNumOfBytes();
  }

  @Override
  public void close() {
    manager.close();
  }
}
