package dev.shallows.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Rope;
import dev.shallows.store.LlamaConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Llama-family forward pass (Llama, Mistral, Qwen2) in DJL NDArray ops: the reference
 * implementation, the GPU path and what training differentiates through. Holds the weights as
 * NDArrays in a model-level {@link NDManager}: either frozen zero-copy views of the loaded
 * (memory-mapped, read-only) {@link LlamaWeights}, or trainable copies ({@link #trainable}).
 *
 * <p>Letters: B batch, T new tokens, S attended positions, D hidden, H query heads, KVH key/value
 * heads, G = H/KVH, hd head dim, Q = H*hd, K = KVH*hd, F intermediate, V vocab.
 *
 * <p>Every linear layer goes through a {@link LinearSeam}. Ops return arrays in the manager of
 * their first operand, so temporaries land in the caller's (per-step) manager as long as the inputs
 * do.
 */
public final class DjlLlama implements AutoCloseable {

  /** One decoder layer's arrays and HF name prefix ({@code model.layers.N.}, N in this view). */
  record Layer(
      String prefix,
      NDArray inputNorm, // (D)
      NDArray wq, // (Q, D)
      NDArray wk, // (K, D)
      NDArray wv, // (K, D)
      NDArray wo, // (D, Q)
      NDArray bq, // (Q) or null
      NDArray bk, // (K) or null
      NDArray bv, // (K) or null
      NDArray postNorm, // (D)
      NDArray gate, // (F, D)
      NDArray up, // (F, D)
      NDArray down) {} // (D, F)

  /** Attention over keys/values given the new (already rotated) queries and keys of one layer. */
  @FunctionalInterface
  public interface Attention {
    /**
     * @param layer position of the layer in this view
     * @param q (B, H, T, hd) rotated queries
     * @param k (B, KVH, T, hd) rotated keys of the new tokens
     * @param v (B, KVH, T, hd) values of the new tokens
     * @return (B, T, Q) attention output before o_proj
     */
    NDArray attend(int layer, NDArray q, NDArray k, NDArray v);
  }

  private final LlamaConfig config;
  private final LlamaWeights source; // keeps the mappings under zero-copy arrays alive
  private final ComputeSettings compute;
  private final NDManager manager;
  private final boolean trainable;
  private final Rope rope;
  private final Map<String, NDArray> params = new LinkedHashMap<>();
  private final NDArray embed; // (V, D)
  private final Layer[] layers;
  private final NDArray finalNorm; // (D)
  private final NDArray lmHead; // (V, D), the embedding itself when tied

  private DjlLlama(LlamaWeights w, ComputeSettings compute, boolean trainable) {
    DjlEnvironment.init();
    this.config = w.config();
    this.source = w;
    this.compute = compute;
    this.trainable = trainable;
    this.rope = Rope.of(config);
    this.manager = NDManager.newBaseManager(compute.device());
    this.embed = param("model.embed_tokens.weight", w.embed(), false);
    this.layers = new Layer[w.layers().size()];
    for (int i = 0; i < layers.length; i++) {
      LayerWeights l = w.layers().get(i);
      String p = "model.layers." + i + ".";
      layers[i] =
          new Layer(
              p,
              param(p + "input_layernorm.weight", l.inputNorm(), true),
              param(p + "self_attn.q_proj.weight", l.wq(), false),
              param(p + "self_attn.k_proj.weight", l.wk(), false),
              param(p + "self_attn.v_proj.weight", l.wv(), false),
              param(p + "self_attn.o_proj.weight", l.wo(), false),
              l.bq() == null ? null : param(p + "self_attn.q_proj.bias", l.bq(), true),
              l.bk() == null ? null : param(p + "self_attn.k_proj.bias", l.bk(), true),
              l.bv() == null ? null : param(p + "self_attn.v_proj.bias", l.bv(), true),
              param(p + "post_attention_layernorm.weight", l.postNorm(), true),
              param(p + "mlp.gate_proj.weight", l.gate(), false),
              param(p + "mlp.up_proj.weight", l.up(), false),
              param(p + "mlp.down_proj.weight", l.down(), false));
    }
    this.finalNorm = param("model.norm.weight", w.finalNorm(), true);
    this.lmHead = w.lmHead() == w.embed() ? embed : param("lm_head.weight", w.lmHead(), false);
  }

  /**
   * Frozen weights for inference: F32 weights are zero-copy views of the loaded buffers (never
   * written: no in-place op touches them); F16 compute converts once.
   */
  public static DjlLlama frozen(LlamaWeights weights, ComputeSettings compute) {
    return new DjlLlama(weights, compute, false);
  }

  /**
   * Trainable copies of every weight (full-parameter training): each parameter owns its memory and
   * has {@code requiresGradient}; the loaded (possibly read-only mapped) buffers are never written.
   */
  public static DjlLlama trainable(LlamaWeights weights, ComputeSettings compute) {
    return new DjlLlama(weights, compute, true);
  }

  private NDArray param(String name, dev.shallows.engine.Matrix m, boolean vector) {
    Shape shape = vector ? new Shape(m.cols()) : new Shape(m.rows(), m.cols());
    NDArray a;
    if (!trainable && compute.dtype() == DataType.FLOAT32 && !compute.device().isGpu()) {
      // zero copy: shares the (read-only) mapping; nothing may ever write to it
      a = manager.create(DirectBuffers.asByteBuffer(m.data()), shape, DataType.FLOAT32);
    } else {
      // an owned copy (toType(..., copy=true) on a shared array does not copy: never use it here)
      float[] values = new float[m.data().remaining()];
      m.data().duplicate().get(values);
      NDArray f32 = manager.create(values, shape);
      NDArray typed =
          compute.dtype() == DataType.FLOAT32 ? f32 : f32.toType(compute.dtype(), false);
      a = compute.device().isGpu() ? typed.toDevice(compute.device(), false) : typed;
      if (typed != a) {
        typed.close();
      }
      if (f32 != typed) {
        f32.close();
      }
    }
    a.setName(name);
    if (trainable) {
      a.setRequiresGradient(true);
    }
    params.put(name, a);
    return a;
  }

  // ---------------------------------------------------------------- the forward pass

  /** Logits (B, T, V) in the compute dtype for input ids (B, T), causal, no padding. */
  public NDArray forward(NDArray inputIds, LinearSeam seam) {
    return forward(inputIds, null, seam);
  }

  /**
   * Logits (B, T, V) for right-padded input ids (B, T) with {@code attentionMask} (B, T), 1 for
   * real tokens and 0 for padding (null: no padding). Autograd flows through when a gradient
   * collector is active. Positions are 0..T-1 in every row.
   */
  public NDArray forward(NDArray inputIds, NDArray attentionMask, LinearSeam seam) {
    NDManager m = inputIds.getManager();
    int b = (int) inputIds.getShape().get(0);
    int t = (int) inputIds.getShape().get(1);
    NDArray mask = causalMask(m, b, t, attentionMask); // (B|1, 1, 1, T, T)
    NDArray[] rot = rotary(m, positions(0, t), t); // cos, sin: (1, 1, T, hd)
    Attention full = (layer, q, k, v) -> attend(q, k, v, mask);
    NDArray x = embed(inputIds); // (B, T, D)
    for (int i = 0; i < layers.length; i++) {
      x = layer(i, x, rot[0], rot[1], full, seam); // (B, T, D)
    }
    return head(x, seam); // (B, T, V)
  }

  /** Token embeddings (B, T, D) for ids (B, T), in the ids' manager. */
  public NDArray embed(NDArray ids) {
    return embed.get(ids.getManager(), new NDIndex("{}", ids.toType(DataType.INT64, false)));
  }

  /** One pre-norm decoder layer: x + attn(norm(x)), then + mlp(norm(x)). x is (B, T, D). */
  public NDArray layer(
      int i, NDArray x, NDArray cos, NDArray sin, Attention attention, LinearSeam seam) {
    Layer w = layers[i];
    int b = (int) x.getShape().get(0);
    int t = (int) x.getShape().get(1);
    NDArray h = rmsNorm(x, w.inputNorm()); // (B, T, D)
    NDArray q = heads(seam.apply(w.prefix() + "self_attn.q_proj.weight", h, w.wq(), w.bq()), b, t);
    NDArray k = heads(seam.apply(w.prefix() + "self_attn.k_proj.weight", h, w.wk(), w.bk()), b, t);
    NDArray v = heads(seam.apply(w.prefix() + "self_attn.v_proj.weight", h, w.wv(), w.bv()), b, t);
    q = rotate(q, cos, sin); // (B, H, T, hd)
    k = rotate(k, cos, sin); // (B, KVH, T, hd)
    NDArray o = attention.attend(i, q, k, v); // (B, T, Q)
    x = x.add(seam.apply(w.prefix() + "self_attn.o_proj.weight", o, w.wo(), null)); // (B, T, D)
    h = rmsNorm(x, w.postNorm()); // (B, T, D)
    NDArray g = seam.apply(w.prefix() + "mlp.gate_proj.weight", h, w.gate(), null); // (B, T, F)
    NDArray u = seam.apply(w.prefix() + "mlp.up_proj.weight", h, w.up(), null); // (B, T, F)
    NDArray act = g.mul(Activation.sigmoid(g)).mul(u); // silu(g) * u, (B, T, F)
    return x.add(seam.apply(w.prefix() + "mlp.down_proj.weight", act, w.down(), null));
  }

  /** Final norm and LM head: (B, T, D) to logits (B, T, V). */
  public NDArray head(NDArray x, LinearSeam seam) {
    return seam.apply("lm_head.weight", rmsNorm(x, finalNorm), lmHead, null);
  }

  /** RMSNorm over the last axis, computed in F32 as HF does, scaled by {@code w} (D). */
  public NDArray rmsNorm(NDArray x, NDArray w) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray inv = x32.square().mean(new int[] {-1}, true).add(config.rmsNormEps()).pow(-0.5);
    return x32.mul(inv).toType(compute.dtype(), false).mul(w);
  }

  /** (B, T, n*hd) to (B, n, T, hd). */
  private NDArray heads(NDArray y, int b, int t) {
    int hd = config.headDim();
    return y.reshape(b, t, y.getShape().get(2) / hd, hd).transpose(0, 2, 1, 3);
  }

  /**
   * RoPE, rotate-half: x * cos + [x2, x1] * sinSigned, with sinSigned = [-sin, sin] per head, so
   * the flip of the two halves realises rotate_half(x) = [-x2, x1].
   */
  private NDArray rotate(NDArray x, NDArray cos, NDArray sinSigned) {
    Shape s = x.getShape(); // (B, n, T, hd)
    long half = s.get(3) / 2;
    NDArray swapped = x.reshape(s.get(0), s.get(1), s.get(2), 2, half).flip(3).reshape(s);
    return x.mul(cos).add(swapped.mul(sinSigned));
  }

  /**
   * Grouped-query attention of new queries over keys/values, with an additive mask.
   *
   * @param q (B, H, T, hd)
   * @param k (B, KVH, S, hd)
   * @param v (B, KVH, S, hd)
   * @param mask (B|1, 1, 1, T, S) additive, or null for none (every key visible)
   * @return (B, T, Q)
   */
  public NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
    long b = q.getShape().get(0);
    long t = q.getShape().get(2);
    long s = k.getShape().get(2);
    int hd = config.headDim();
    int kvh = config.numKeyValueHeads();
    int g = config.numAttentionHeads() / kvh;
    NDArray qg = q.reshape(b, kvh, g * t, hd); // heads kv*G+j share key head kv
    NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(hd)); // (B,KVH,G*T,S)
    if (mask != null) {
      scores = scores.reshape(b, kvh, g, t, s).add(mask).reshape(b, kvh, g * t, s);
    }
    NDArray p = scores.softmax(-1); // (B, KVH, G*T, S)
    NDArray o = p.matMul(v); // (B, KVH, G*T, hd)
    return o.reshape(b, (long) kvh * g, t, hd).transpose(0, 2, 1, 3).reshape(b, t, -1);
  }

  // ---------------------------------------------------------------- rotary tables and masks

  /** {start, start+1, ..., start+n-1}. */
  public static int[] positions(int start, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = start + i;
    }
    return p;
  }

  /**
   * cos and signed sin for the given positions, (1, 1, T, hd), for a pass whose largest position is
   * {@code seqLen - 1} (matters only for dynamic scaling).
   */
  public NDArray[] rotary(NDManager m, int[] positions, int seqLen) {
    return rotaryRows(m, new int[][] {positions}, seqLen);
  }

  /**
   * cos and signed sin (R, 1, T, hd) for R rows of positions (batched decode: one row per sequence,
   * each at its own position).
   */
  public NDArray[] rotaryRows(NDManager m, int[][] rows, int seqLen) {
    int hd = config.headDim();
    int t = rows[0].length;
    float[] cos = new float[rows.length * t * hd];
    float[] sin = new float[cos.length];
    float[] c = new float[t * hd];
    float[] s = new float[t * hd];
    for (int r = 0; r < rows.length; r++) {
      int len = rope.lengthDependent() ? Math.max(seqLen, max(rows[r]) + 1) : seqLen;
      rope.table(rows[r], len, c, s);
      for (int j = 0; j < t * hd; j++) {
        cos[r * t * hd + j] = c[j];
        sin[r * t * hd + j] = (j % hd) < hd / 2 ? -s[j] : s[j]; // rotate_half's sign
      }
    }
    Shape shape = new Shape(rows.length, 1, t, hd);
    return new NDArray[] {
      m.create(cos, shape).toType(compute.dtype(), false),
      m.create(sin, shape).toType(compute.dtype(), false)
    };
  }

  private static int max(int[] a) {
    int m = Integer.MIN_VALUE;
    for (int x : a) {
      m = Math.max(m, x);
    }
    return m;
  }

  /**
   * Additive mask (B|1, 1, 1, T, S) for T new queries at positions {@code offset..offset+T-1} over
   * S = offset + T keys: causal, and hiding padded keys where {@code keyMask} (B, S) is 0.
   */
  public NDArray causalMask(NDManager m, int b, int t, NDArray keyMask) {
    return causalMask(m, b, t, 0, keyMask);
  }

  /** As {@link #causalMask(NDManager, int, int, NDArray)}, with the queries after a prefix. */
  public NDArray causalMask(NDManager m, int b, int t, int offset, NDArray keyMask) {
    int s = offset + t;
    float neg = compute.dtype() == DataType.FLOAT16 ? -65504f : -1e30f;
    float[] causal = new float[t * s];
    for (int i = 0; i < t; i++) {
      for (int j = offset + i + 1; j < s; j++) {
        causal[i * s + j] = neg;
      }
    }
    NDArray mask = m.create(causal, new Shape(1, 1, 1, t, s));
    if (keyMask != null) {
      // (B, S): 1 keeps, 0 hides: (1 - keep) * neg
      NDArray pad = keyMask.toType(DataType.FLOAT32, false).neg().add(1).mul(neg);
      mask = mask.add(pad.reshape(b, 1, 1, 1, s)).maximum(neg);
    }
    return mask.toType(compute.dtype(), false);
  }

  // ---------------------------------------------------------------- accessors

  public LlamaConfig config() {
    return config;
  }

  /** The source weights of this model (the view it was built from). */
  public LlamaWeights weights() {
    return source;
  }

  public ComputeSettings compute() {
    return compute;
  }

  /** The model-level manager holding the parameters (parent of per-sequence managers). */
  public NDManager manager() {
    return manager;
  }

  public int numLayers() {
    return layers.length;
  }

  public boolean isTrainable() {
    return trainable;
  }

  /**
   * The parameters by HF name of this view ({@code model.layers.N.*} numbered 0..L-1 in view order;
   * {@code lm_head.weight} only when untied), in checkpoint order. Norms and biases are (D) /
   * (out), matrices (out, in). Unmodifiable; the arrays are live (trainable models update them in
   * place through an optimizer).
   */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(params);
  }

  /** Frees every array of this model (zero-copy views release nothing of the mappings). */
  @Override
  public void close() {
    manager.close();
  }
}
