package dev.shallows.engine.cpu;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Rope;
import dev.shallows.engine.SequenceState;
import dev.shallows.engine.cpu.kernels.WeightFormat;
import dev.shallows.store.LlamaConfig;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The CPU fast path: a Llama-family forward pass in plain Java arrays, with every linear layer an
 * OpenBLAS sgemv (one row) or sgemm (several rows) straight on the memory-mapped weights. Prefill
 * and batched decode are the same pass over "rows": row r feeds one token into one sequence at one
 * position; rows are processed in chunks of {@code shallows.cpu.chunk} (default 128).
 *
 * <p>Letters: R rows in a chunk, D hidden, Q = H*hd, K = KVH*hd, F intermediate, V vocab.
 */
public final class CpuDecoder implements Decoder {

  private static final int CHUNK = Integer.getInteger("shallows.cpu.chunk", 128);

  private final LlamaWeights weights;
  private final LlamaConfig c;
  private final CpuWeights w;
  private final Rope rope;
  private final double[] fixedInvFreq; // (hd/2), null under dynamic NTK scaling
  private final Attention attention;
  private final BlockAttention blockAttention;
  private final Scratch s;
  private final int d;
  private final int q;
  private final int k;
  private final int f;
  private final int hd;

  /** A decoder keeping its weights in the format {@link WeightFormat#resolve} picks. */
  public CpuDecoder(LlamaWeights weights) {
    this(weights, WeightFormat.resolve(weights.config()));
  }

  /** A decoder whose linear weights are repacked into {@code format} once, here. */
  public CpuDecoder(LlamaWeights weights, WeightFormat format) {
    this.weights = weights;
    this.c = weights.config();
    this.w = new CpuWeights(weights, format);
    this.rope = Rope.of(c);
    this.fixedInvFreq = rope.lengthDependent() ? null : rope.invFreq(1);
    this.attention = new Attention(c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
    this.blockAttention =
        new BlockAttention(c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim());
    this.d = c.hiddenSize();
    this.q = c.qDim();
    this.k = c.kvDim();
    this.f = c.intermediateSize();
    this.hd = c.headDim();
    this.s = new Scratch(c, CHUNK);
  }

  /** The format the linear weights are kept in. */
  public WeightFormat weightFormat() {
    return w.format;
  }

  /** Bytes of the linear weights (7 per layer + LM head) as this decoder keeps them. */
  public long linearWeightBytes() {
    return w.linearBytes();
  }

  @Override
  public LlamaConfig config() {
    return c;
  }

  @Override
  public int[] layers() {
    return weights.originalLayerIndices();
  }

  @Override
  public SequenceState newSequence(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    int cap = Math.min(capacity, contextLength());
    return new CpuSequence(this, w.layers.length, c.numKeyValueHeads(), hd, cap);
  }

  /**
   * The longest sequence this decoder serves: max_position_embeddings, stretched by the factor
   * under dynamic NTK scaling (whose point is running past the trained length).
   */
  public int contextLength() {
    long max = c.maxPositionEmbeddings();
    if (rope.lengthDependent()) {
      max = (long) (max * c.ropeScaling().factor());
    }
    return (int) Math.min(Integer.MAX_VALUE, max);
  }

  @Override
  public float[][] prefill(SequenceState state, int[] tokens, boolean allPositions) {
    return prefill(List.of(state), List.of(tokens), new boolean[] {allPositions}).get(0);
  }

  @Override
  public List<float[][]> prefill(
      List<SequenceState> states, List<int[]> tokens, boolean[] allPositions) {
    Decoder.checkPrefillBatch(states, tokens, allPositions);
    int b = states.size();
    int total = 0;
    Map<CpuSequence, Boolean> seen = new IdentityHashMap<>();
    for (int i = 0; i < b; i++) {
      CpuSequence seq = own(states.get(i));
      if (seen.put(seq, Boolean.TRUE) != null) {
        throw new IllegalArgumentException("a sequence appears twice in one prefill batch");
      }
      if (tokens.get(i).length == 0) {
        throw new IllegalArgumentException("prefill needs at least one token per sequence");
      }
      seq.checkRoom(tokens.get(i).length);
      total += tokens.get(i).length;
    }
    Rows rows = new Rows(total); // every sequence's rows in turn: (sum T_i) rows in one pass
    int r = 0;
    for (int i = 0; i < b; i++) {
      CpuSequence seq = (CpuSequence) states.get(i);
      int[] t = tokens.get(i);
      for (int j = 0; j < t.length; j++, r++) {
        rows.set(
            r,
            seq,
            seq.length() + j,
            t[j],
            seq.length() + t.length,
            allPositions[i] || j == t.length - 1);
      }
    }
    float[][] logits = run(rows, null);
    List<float[][]> out = new java.util.ArrayList<>(b);
    int next = 0;
    for (int i = 0; i < b; i++) {
      int n = allPositions[i] ? tokens.get(i).length : 1;
      out.add(java.util.Arrays.copyOfRange(logits, next, next + n));
      next += n;
      ((CpuSequence) states.get(i)).advance(tokens.get(i).length);
    }
    return out;
  }

  @Override
  public float[][] decode(List<SequenceState> states, int[] tokens) {
    if (states.size() != tokens.length) {
      throw new IllegalArgumentException(
          states.size() + " sequences but " + tokens.length + " tokens");
    }
    Rows rows = new Rows(tokens.length);
    Map<CpuSequence, Boolean> seen = new IdentityHashMap<>();
    for (int r = 0; r < tokens.length; r++) {
      CpuSequence seq = own(states.get(r));
      if (seen.put(seq, Boolean.TRUE) != null) {
        throw new IllegalArgumentException("a sequence appears twice in one decode batch");
      }
      seq.checkRoom(1);
      rows.set(r, seq, seq.length(), tokens[r], seq.length() + 1, true);
    }
    float[][] logits = run(rows, null);
    for (int r = 0; r < tokens.length; r++) {
      rows.seq[r].advance(1);
    }
    return logits;
  }

  @Override
  public float[][] residuals(int[] tokens) {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("residuals needs at least one token");
    }
    int n = tokens.length;
    float[][] capture = new float[w.layers.length + 1][d];
    try (CpuSequence seq = (CpuSequence) newSequence(n)) {
      seq.checkRoom(n);
      Rows rows = new Rows(n);
      for (int r = 0; r < n; r++) {
        rows.set(r, seq, r, tokens[r], n, false);
      }
      run(rows, capture);
    }
    return capture;
  }

  @Override
  public void close() {
    s.close();
    blockAttention.close();
  }

  private CpuSequence own(SequenceState state) {
    if (!(state instanceof CpuSequence seq) || seq.owner != this) {
      throw new IllegalArgumentException("sequence state does not belong to this decoder");
    }
    return seq;
  }

  /** The rows of one forward pass (sequence, position, token, final length, wants logits). */
  private static final class Rows {
    final CpuSequence[] seq;
    final int[] pos;
    final int[] token;
    final int[] seqLen;
    final boolean[] logits;
    int logitRows;

    Rows(int n) {
      seq = new CpuSequence[n];
      pos = new int[n];
      token = new int[n];
      seqLen = new int[n];
      logits = new boolean[n];
    }

    void set(int r, CpuSequence s, int p, int t, int len, boolean wantLogits) {
      seq[r] = s;
      pos[r] = p;
      token[r] = t;
      seqLen[r] = len;
      logits[r] = wantLogits;
      logitRows += wantLogits ? 1 : 0;
    }
  }

  /** Runs all rows chunk by chunk; returns logits (rows wanting them, in order, V). */
  private float[][] run(Rows rows, float[][] capture) {
    for (int r = 0; r < rows.token.length; r++) {
      if (rows.token[r] < 0 || rows.token[r] >= c.vocabSize()) {
        throw new IllegalArgumentException("token id out of range: " + rows.token[r]);
      }
    }
    float[][] out = new float[rows.logitRows][];
    int next = 0;
    int n = rows.token.length;
    for (int r0 = 0; r0 < n; r0 += CHUNK) {
      int m = Math.min(CHUNK, n - r0);
      int captureRow = capture != null && r0 + m == n ? m - 1 : -1;
      chunk(rows, r0, m, captureRow, capture);
      next = logits(rows, r0, m, out, next);
    }
    return out;
  }

  /** The decoder layers for rows r0..r0+m; afterwards s.x holds the final residual stream. */
  private void chunk(Rows rows, int r0, int m, int captureRow, float[][] capture) {
    int half = hd / 2;
    for (int r = 0; r < m; r++) {
      w.embed.get(rows.token[r0 + r] * d, s.x, r * d, d); // (R, D)
      double[] inv = fixedInvFreq != null ? fixedInvFreq : rope.invFreq(rows.seqLen[r0 + r]);
      RopeRotation.angles(inv, rows.pos[r0 + r], s.cos, s.sin, r * half);
    }
    double eps = c.rmsNormEps();
    for (int l = 0; l < w.layers.length; l++) {
      CpuWeights.Layer L = w.layers[l];
      if (captureRow >= 0) {
        System.arraycopy(s.x, captureRow * d, capture[l], 0, d);
      }
      // attention block: x += o_proj(attn(rope(q), rope(k), v)) on rmsnorm(x)
      for (int r = 0; r < m; r++) {
        VecOps.rmsNorm(s.xn, r * d, s.x, r * d, L.inputNorm(), d, eps);
      }
      s.input(s.xn, m, d);
      s.matmul(L.wq(), m, s.nA, s.q); // (R, Q)
      s.matmul(L.wk(), m, s.nB, s.k); // (R, K)
      s.matmul(L.wv(), m, s.nC, s.v); // (R, K)
      for (int r = 0; r < m; r++) {
        if (L.bq() != null) {
          VecOps.add(s.q, r * q, L.bq(), 0, q);
          VecOps.add(s.k, r * k, L.bk(), 0, k);
          VecOps.add(s.v, r * k, L.bv(), 0, k);
        }
        RopeRotation.apply(s.q, r * q, c.numAttentionHeads(), hd, s.cos, s.sin, r * half);
        RopeRotation.apply(s.k, r * k, c.numKeyValueHeads(), hd, s.cos, s.sin, r * half);
        CpuSequence seq = rows.seq[r0 + r];
        int cap = seq.capacity();
        int p = rows.pos[r0 + r];
        for (int h = 0; h < c.numKeyValueHeads(); h++) {
          int at = (h * cap + p) * hd;
          System.arraycopy(s.k, r * k + h * hd, seq.keys[l], at, hd);
          System.arraycopy(s.v, r * k + h * hd, seq.values[l], at, hd);
        }
      }
      attend(rows, r0, m, l);
      s.input(s.att, m, q);
      s.matmul(L.wo(), m, s.nA, s.tmp); // (R, D)
      VecOps.add(s.x, 0, s.tmp, 0, m * d);
      // MLP block: x += down(silu(gate(h)) * up(h)), h = rmsnorm(x)
      for (int r = 0; r < m; r++) {
        VecOps.rmsNorm(s.xn, r * d, s.x, r * d, L.postNorm(), d, eps);
      }
      s.input(s.xn, m, d);
      s.matmul(L.gate(), m, s.nA, s.g); // (R, F)
      s.matmul(L.up(), m, s.nB, s.u); // (R, F)
      VecOps.siluMul(s.g, 0, s.u, 0, m * f);
      s.input(s.g, m, f);
      s.matmul(L.down(), m, s.nA, s.tmp); // (R, D)
      VecOps.add(s.x, 0, s.tmp, 0, m * d);
    }
    if (captureRow >= 0) {
      System.arraycopy(s.x, captureRow * d, capture[w.layers.length], 0, d);
    }
  }

  /**
   * Attention of rows r0..r0+m at layer l (queries in s.q, keys and values already cached) into
   * s.att: a run of consecutive positions of one sequence (a prompt) as matrix products, the rest
   * row by row.
   */
  private void attend(Rows rows, int r0, int m, int l) {
    int[] single = new int[m]; // chunk rows that go one by one (decode, short runs)
    int singles = 0;
    for (int r = 0; r < m; ) {
      CpuSequence seq = rows.seq[r0 + r];
      int p0 = rows.pos[r0 + r];
      int run = 1;
      while (r + run < m && rows.seq[r0 + r + run] == seq && rows.pos[r0 + r + run] == p0 + run) {
        run++;
      }
      if (run >= BlockAttention.MIN_ROWS) {
        blockAttention.run(
            s.q, r * q, run, seq.keys[l], seq.values[l], seq.capacity(), p0, s.att, r * q);
      } else {
        for (int i = r; i < r + run; i++) {
          single[singles++] = i;
        }
      }
      r += run;
    }
    int[] pick = single;
    attention.rows(
        s.q,
        s.att,
        singles,
        new Attention.Row() {
          @Override
          public int offset(int i) {
            return pick[i] * q;
          }

          @Override
          public float[] keys(int i) {
            return rows.seq[r0 + pick[i]].keys[l];
          }

          @Override
          public float[] values(int i) {
            return rows.seq[r0 + pick[i]].values[l];
          }

          @Override
          public int capacity(int i) {
            return rows.seq[r0 + pick[i]].capacity();
          }

          @Override
          public int position(int i) {
            return rows.pos[r0 + pick[i]];
          }
        });
  }

  /** Final norm and LM head for the rows of this chunk that want logits. */
  private int logits(Rows rows, int r0, int m, float[][] out, int next) {
    int n = 0;
    for (int r = 0; r < m; r++) {
      if (rows.logits[r0 + r]) {
        VecOps.rmsNorm(s.xn, n * d, s.x, r * d, w.finalNorm, d, c.rmsNormEps());
        n++;
      }
    }
    if (n == 0) {
      return next;
    }
    s.input(s.xn, n, d);
    int v = c.vocabSize();
    FloatPointer nLogits = s.logits(n);
    s.matmul(w.lmHead, n, nLogits, s.logits); // (n, V)
    for (int i = 0; i < n; i++) {
      out[next++] = java.util.Arrays.copyOfRange(s.logits, i * v, (i + 1) * v);
    }
    return next;
  }
}
