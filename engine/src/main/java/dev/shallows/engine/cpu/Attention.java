package dev.shallows.engine.cpu;

/**
 * Causal grouped-query attention of single rows over their sequences' KV caches: query head h reads
 * KV head h / (H / KVH), positions 0..pos inclusive, softmax(q·k / sqrt(hd)) · v. The (row, head)
 * pairs of one call are split over the {@link Parallel} threads when there is enough work (long
 * contexts, batched decode), each thread with its own score buffer.
 */
final class Attention {

  /** Below this many (position, head) pairs in a call, one thread does it all. */
  static final int PARALLEL_MIN_WORK = 4096;

  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final float scale;
  private final float[][] scores = new float[Parallel.THREADS][0]; // per thread: (positions)

  Attention(int heads, int kvHeads, int headDim) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
  }

  /** One row's query, cache and output, as {@link #rows} reads them. */
  interface Row {
    /** Offset of the row's query (H*hd) in q and of its output in out. */
    int offset(int i);

    float[] keys(int i);

    float[] values(int i);

    int capacity(int i);

    int position(int i);
  }

  /** Attention of rows 0..n-1: out[offset..offset+H*hd) for each, from q at the same offset. */
  void rows(float[] q, float[] out, int n, Row row) {
    long work = 0;
    for (int i = 0; i < n; i++) {
      work += (long) (row.position(i) + 1) * heads;
    }
    int tasks = n * heads;
    int slots = work >= PARALLEL_MIN_WORK ? scores.length : 1;
    Parallel.Body body =
        t -> {
          for (int task = t; task < tasks; task += slots) {
            int i = task / heads;
            head(
                q,
                row.offset(i),
                row.keys(i),
                row.values(i),
                row.capacity(i),
                row.position(i),
                out,
                task % heads,
                t);
          }
        };
    if (slots == 1) {
      body.run(0);
    } else {
      Parallel.forEach(slots, body);
    }
  }

  /** Head h of the row whose query and output start at offset o, on thread slot t's buffer. */
  private void head(
      float[] q, int o, float[] keys, float[] values, int cap, int pos, float[] out, int h, int t) {
    int n = pos + 1;
    if (scores[t].length < n) {
      scores[t] = new float[Math.max(n, 2 * scores[t].length)];
    }
    float[] s = scores[t];
    int base = (h / (heads / kvHeads)) * cap * headDim;
    int qh = o + h * headDim;
    for (int p = 0; p < n; p++) {
      s[p] = VecOps.dot(q, qh, keys, base + p * headDim, headDim) * scale;
    }
    float sum = VecOps.expShiftSum(s, n, VecOps.max(s, n));
    float inv = 1f / sum;
    java.util.Arrays.fill(out, qh, qh + headDim, 0f);
    for (int p = 0; p < n; p++) {
      VecOps.axpy(s[p] * inv, values, base + p * headDim, out, qh, headDim);
    }
  }
}
