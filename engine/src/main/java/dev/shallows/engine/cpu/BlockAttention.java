package dev.shallows.engine.cpu;

import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;

/**
 * Causal grouped-query attention of a run of consecutive positions of one sequence (a prompt being
 * prefilled) as two OpenBLAS products per query head: S = Q_h · K_gᵀ · scale (m, n), a causal
 * softmax row by row, O_h = P · V_g (m, hd), with g = h / (H / KVH). The same values as {@link
 * Attention} row by row, at matrix-product speed. Query heads are split over the {@link Parallel}
 * threads, each with its own score buffers.
 */
final class BlockAttention implements AutoCloseable {

  /** Runs shorter than this go row by row: the copies would cost more than they save. */
  static final int MIN_ROWS = 16;

  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final float scale;
  private final Slot[] slots = new Slot[Parallel.THREADS];
  private Native q = new Native(0); // (m, H*hd)
  private Native k = new Native(0); // (KVH, n, hd)
  private Native v = new Native(0); // (KVH, n, hd)
  private Native out = new Native(0); // (m, H*hd)

  BlockAttention(int heads, int kvHeads, int headDim) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
    for (int t = 0; t < slots.length; t++) {
      slots[t] = new Slot();
    }
  }

  /**
   * out[oo..oo+m*H*hd) = attention of the m query rows at qArr[qo..) (m, H*hd), at positions
   * p0..p0+m-1, over keys/values (KVH, cap, hd) filled for positions 0..p0+m-1.
   */
  void run(
      float[] qArr,
      int qo,
      int m,
      float[] keys,
      float[] values,
      int cap,
      int p0,
      float[] o,
      int oo) {
    int n = p0 + m;
    int width = heads * headDim;
    q = q.atLeast((long) m * width);
    k = k.atLeast((long) kvHeads * n * headDim);
    v = v.atLeast((long) kvHeads * n * headDim);
    out = out.atLeast((long) m * width);
    q.buffer.put(0, qArr, qo, m * width);
    for (int g = 0; g < kvHeads; g++) { // the cache rows 0..n-1 of each KV head, packed
      k.buffer.put(g * n * headDim, keys, g * cap * headDim, n * headDim);
      v.buffer.put(g * n * headDim, values, g * cap * headDim, n * headDim);
    }
    Parallel.forEach(
        slots.length,
        t -> {
          for (int h = t; h < heads; h += slots.length) {
            head(h, m, n, p0, slots[t]);
          }
        });
    out.buffer.get(0, o, oo, m * width);
  }

  /** Query head h: scores, causal softmax, weighted values into its columns of {@code out}. */
  private void head(int h, int m, int n, int p0, Slot slot) {
    int width = heads * headDim;
    long kv = (long) (h / (heads / kvHeads)) * n * headDim;
    slot.reserve((long) m * n, n);
    FloatPointer scores = slot.scores.pointer;
    openblas_full.cblas_sgemm(
        CblasRowMajor,
        CblasNoTrans,
        CblasTrans,
        m,
        n,
        headDim,
        scale,
        q.pointer.getPointer((long) h * headDim),
        width,
        k.pointer.getPointer(kv),
        headDim,
        0f,
        scores,
        n); // (m, n)
    float[] row = slot.row;
    for (int r = 0; r < m; r++) {
      int len = p0 + r + 1; // position p0 + r sees 0..p0 + r
      slot.scores.buffer.get(r * n, row, 0, len);
      float sum = VecOps.expShiftSum(row, len, VecOps.max(row, len));
      VecOps.scale(row, 0, 1f / sum, len);
      Arrays.fill(row, len, n, 0f);
      slot.scores.buffer.put(r * n, row, 0, n);
    }
    openblas_full.cblas_sgemm(
        CblasRowMajor,
        CblasNoTrans,
        CblasNoTrans,
        m,
        headDim,
        n,
        1f,
        scores,
        n,
        v.pointer.getPointer(kv),
        headDim,
        0f,
        out.pointer.getPointer((long) h * headDim),
        width); // (m, hd) into columns h*hd.. of (m, H*hd)
  }

  @Override
  public void close() {
    q.close();
    k.close();
    v.close();
    out.close();
    for (Slot s : slots) {
      s.scores.close();
    }
  }

  /** A native float buffer and its heap view, grown (never shrunk) on demand. */
  private static final class Native implements AutoCloseable {
    final FloatPointer pointer;
    final FloatBuffer buffer;

    Native(long floats) {
      pointer = new FloatPointer(Math.max(1, floats));
      buffer = pointer.asBuffer();
    }

    /** This buffer if it holds {@code floats}, else a new one (this one is freed). */
    Native atLeast(long floats) {
      if (pointer.capacity() >= floats) {
        return this;
      }
      close();
      return new Native(Math.max(floats, pointer.capacity() * 2));
    }

    @Override
    public void close() {
      pointer.close();
    }
  }

  /** One thread's score matrix (m, n) and softmax row. */
  private static final class Slot {
    Native scores = new Native(0);
    float[] row = new float[0];

    void reserve(long floats, int n) {
      scores = scores.atLeast(floats);
      if (row.length < n) {
        row = new float[Math.max(n, 2 * row.length)];
      }
    }
  }
}
