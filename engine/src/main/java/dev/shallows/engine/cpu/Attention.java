package dev.shallows.engine.cpu;

/**
 * Causal grouped-query attention of one row over its sequence's KV cache: query head h reads KV
 * head h / (H / KVH), positions 0..pos inclusive, softmax(q·k / sqrt(hd)) · v.
 */
final class Attention {

  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final float scale;
  private float[] scores = new float[0]; // (positions) of one head

  Attention(int heads, int kvHeads, int headDim) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.scale = (float) (1.0 / Math.sqrt(headDim));
  }

  /**
   * out[oo..oo+H*hd) = attention of q[qo..qo+H*hd) at position pos over keys/values (KVH, cap, hd).
   */
  void row(float[] q, int qo, float[] keys, float[] values, int cap, int pos, float[] out, int oo) {
    int n = pos + 1;
    if (scores.length < n) {
      scores = new float[Math.max(n, 2 * scores.length)];
    }
    int group = heads / kvHeads;
    for (int h = 0; h < heads; h++) {
      int base = (h / group) * cap * headDim;
      int qh = qo + h * headDim;
      for (int t = 0; t < n; t++) {
        scores[t] = VecOps.dot(q, qh, keys, base + t * headDim, headDim) * scale;
      }
      float sum = VecOps.expShiftSum(scores, n, VecOps.max(scores, n));
      float inv = 1f / sum;
      int oh = oo + h * headDim;
      java.util.Arrays.fill(out, oh, oh + headDim, 0f);
      for (int t = 0; t < n; t++) {
        VecOps.axpy(scores[t] * inv, values, base + t * headDim, out, oh, headDim);
      }
    }
  }
}
