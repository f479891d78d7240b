package dev.shallows.engine;

import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Test fixture: an independent Llama-family forward pass in plain Java double precision, written
 * straight from the maths (HF LlamaForCausalLM semantics) with no DJL and none of the engine's
 * code: weights read by HF name from a checkpoint, RMSNorm, RoPE rotating the two halves of each
 * head (with linear, dynamic-NTK and llama3 frequency scaling), grouped-query causal attention with
 * optional QKV bias, SwiGLU, final norm and the tied or separate head. Slow; for small models.
 *
 * <p>Weights are mutable ({@link #weight}) so gradient checks can perturb them.
 */
public final class ReferenceLlama {

  private final LlamaConfig c;
  private final Map<String, double[]> w = new HashMap<>();
  private final int[] layers; // source layer indices to run, in order

  /** All layers of a checkpoint. */
  public ReferenceLlama(Checkpoint ckpt) {
    this(ckpt, null);
  }

  /** Only the given source layers (ascending), as a layer-pruned view runs them; null for all. */
  public ReferenceLlama(Checkpoint ckpt, int[] keepLayers) {
    this.c = ckpt.config();
    for (String name : ckpt.names()) {
      float[] f = ckpt.tensor(name).toFloatArray();
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      w.put(name, d);
    }
    if (keepLayers == null) {
      keepLayers = new int[c.numHiddenLayers()];
      for (int i = 0; i < keepLayers.length; i++) {
        keepLayers[i] = i;
      }
    }
    this.layers = keepLayers.clone();
  }

  /** The live (mutable) weight array of an HF tensor name. */
  public double[] weight(String name) {
    double[] a = w.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no tensor " + name);
    }
    return a;
  }

  /** Logits (T, V) at every position of a causal pass over {@code tokens} from position 0. */
  public double[][] logits(int[] tokens) {
    return run(tokens, null);
  }

  /** x(0)..x(L) at the last token: (L+1, D); row L is the last layer's output before the norm. */
  public double[][] residuals(int[] tokens) {
    double[][] res = new double[layers.length + 1][];
    run(tokens, res);
    return res;
  }

  /**
   * The last token's final hidden state (row L of {@link #residuals} through the final RMSNorm),
   * scaled to unit length: the reference for last-token embeddings. Returns (D).
   */
  public double[] embedding(int[] tokens) {
    double[][] res = residuals(tokens);
    double[] h = res[res.length - 1];
    double[] gain = weight("model.norm.weight");
    double ms = 0;
    for (double v : h) {
      ms += v * v / h.length;
    }
    double inv = 1 / Math.sqrt(ms + c.rmsNormEps());
    double[] out = new double[h.length];
    double norm = 0;
    for (int i = 0; i < h.length; i++) {
      out[i] = h[i] * inv * gain[i];
      norm += out[i] * out[i];
    }
    for (int i = 0; i < h.length; i++) {
      out[i] /= Math.sqrt(norm);
    }
    return out;
  }

  private double[][] run(int[] tokens, double[][] residuals) {
    int t = tokens.length;
    int d = c.hiddenSize();
    double[][] x = new double[t][];
    double[] emb = weight("model.embed_tokens.weight");
    for (int i = 0; i < t; i++) {
      x[i] = new double[d];
      System.arraycopy(emb, tokens[i] * d, x[i], 0, d);
    }
    double[] inv = invFreq(t);
    for (int li = 0; li < layers.length; li++) {
      if (residuals != null) {
        residuals[li] = x[t - 1].clone();
      }
      String p = "model.layers." + layers[li] + ".";
      double[][] attn = attention(p, x, inv);
      for (int i = 0; i < t; i++) {
        add(x[i], attn[i]);
      }
      for (int i = 0; i < t; i++) {
        double[] h = rmsNorm(x[i], weight(p + "post_attention_layernorm.weight"));
        double[] g = linear(h, weight(p + "mlp.gate_proj.weight"), null, c.intermediateSize());
        double[] u = linear(h, weight(p + "mlp.up_proj.weight"), null, c.intermediateSize());
        for (int j = 0; j < g.length; j++) {
          g[j] = g[j] / (1 + Math.exp(-g[j])) * u[j];
        }
        add(x[i], linear(g, weight(p + "mlp.down_proj.weight"), null, d));
      }
    }
    if (residuals != null) {
      residuals[layers.length] = x[t - 1].clone();
    }
    double[] head =
        w.containsKey("lm_head.weight") && !c.tieWordEmbeddings() ? weight("lm_head.weight") : emb;
    double[][] logits = new double[t][];
    for (int i = 0; i < t; i++) {
      logits[i] = linear(rmsNorm(x[i], weight("model.norm.weight")), head, null, c.vocabSize());
    }
    return logits;
  }

  /** Causal grouped-query self-attention of one layer, o_proj applied: (T, D). */
  private double[][] attention(String p, double[][] x, double[] inv) {
    int t = x.length;
    int hd = c.headDim();
    int h = c.numAttentionHeads();
    int kvh = c.numKeyValueHeads();
    double[][] q = new double[t][];
    double[][] k = new double[t][];
    double[][] v = new double[t][];
    for (int i = 0; i < t; i++) {
      double[] n = rmsNorm(x[i], weight(p + "input_layernorm.weight"));
      q[i] =
          linear(
              n, weight(p + "self_attn.q_proj.weight"), bias(p + "self_attn.q_proj.bias"), h * hd);
      k[i] =
          linear(
              n,
              weight(p + "self_attn.k_proj.weight"),
              bias(p + "self_attn.k_proj.bias"),
              kvh * hd);
      v[i] =
          linear(
              n,
              weight(p + "self_attn.v_proj.weight"),
              bias(p + "self_attn.v_proj.bias"),
              kvh * hd);
      rotate(q[i], h, i, inv);
      rotate(k[i], kvh, i, inv);
    }
    double[][] out = new double[t][h * hd];
    for (int head = 0; head < h; head++) {
      int g = head / (h / kvh);
      for (int i = 0; i < t; i++) {
        double[] qi = java.util.Arrays.copyOfRange(q[i], head * hd, (head + 1) * hd);
        double[][] ks = new double[i + 1][];
        double[][] vs = new double[i + 1][];
        for (int j = 0; j <= i; j++) {
          ks[j] = java.util.Arrays.copyOfRange(k[j], g * hd, (g + 1) * hd);
          vs[j] = java.util.Arrays.copyOfRange(v[j], g * hd, (g + 1) * hd);
        }
        System.arraycopy(headAttention(qi, ks, vs), 0, out[i], head * hd, hd);
      }
    }
    double[][] o = new double[t][];
    for (int i = 0; i < t; i++) {
      o[i] = linear(out[i], weight(p + "self_attn.o_proj.weight"), null, c.hiddenSize());
    }
    return o;
  }

  /**
   * One head's causal attention for the last position: softmax(q · k_j / sqrt(hd)) · v_j over all
   * the rows j of keys and values (hd each).
   */
  public static double[] headAttention(double[] q, double[][] keys, double[][] values) {
    int hd = q.length;
    double[] s = new double[keys.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < keys.length; j++) {
      double dot = 0;
      for (int e = 0; e < hd; e++) {
        dot += q[e] * keys[j][e];
      }
      s[j] = dot / Math.sqrt(hd);
      max = Math.max(max, s[j]);
    }
    double sum = 0;
    for (int j = 0; j < s.length; j++) {
      s[j] = Math.exp(s[j] - max);
      sum += s[j];
    }
    double[] out = new double[hd];
    for (int j = 0; j < s.length; j++) {
      for (int e = 0; e < hd; e++) {
        out[e] += s[j] / sum * values[j][e];
      }
    }
    return out;
  }

  /** Rotates each head's halves: (a, b) -> (a cos - b sin, b cos + a sin), angle pos * inv[i]. */
  private void rotate(double[] vec, int heads, int pos, double[] inv) {
    int hd = c.headDim();
    int half = hd / 2;
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < half; i++) {
        double a = vec[head * hd + i];
        double b = vec[head * hd + half + i];
        double cos = Math.cos(pos * inv[i]);
        double sin = Math.sin(pos * inv[i]);
        vec[head * hd + i] = a * cos - b * sin;
        vec[head * hd + half + i] = b * cos + a * sin;
      }
    }
  }

  /** HF's inverse frequencies for a pass over {@code seqLen} tokens, with rope_scaling. */
  private double[] invFreq(int seqLen) {
    int hd = c.headDim();
    double base = c.ropeTheta();
    LlamaConfig.RopeScaling s = c.ropeScaling();
    String type = s == null ? "default" : s.type();
    if (type.equals("dynamic")) {
      int max =
          s.originalMaxPositionEmbeddings() > 0
              ? s.originalMaxPositionEmbeddings()
              : c.maxPositionEmbeddings();
      if (seqLen > max) {
        base *= Math.pow(s.factor() * seqLen / max - (s.factor() - 1), hd / (hd - 2.0));
      }
    }
    double[] inv = new double[hd / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = Math.pow(base, -2.0 * i / hd);
      if (type.equals("linear")) {
        inv[i] /= s.factor();
      } else if (type.equals("llama3")) {
        double old = s.originalMaxPositionEmbeddings();
        double wavelen = 2 * Math.PI / inv[i];
        if (wavelen > old / s.lowFreqFactor()) {
          inv[i] /= s.factor();
        } else if (wavelen >= old / s.highFreqFactor()) {
          double smooth =
              (old / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
          inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
        }
      }
    }
    return inv;
  }

  private double[] rmsNorm(double[] x, double[] g) {
    double ss = 0;
    for (double v : x) {
      ss += v * v;
    }
    double scale = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * scale * g[i];
    }
    return y;
  }

  /** y = W x + b with W (out, in) row-major. */
  private static double[] linear(double[] x, double[] wt, double[] b, int out) {
    int in = x.length;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double s = b == null ? 0 : b[o];
      for (int i = 0; i < in; i++) {
        s += wt[o * in + i] * x[i];
      }
      y[o] = s;
    }
    return y;
  }

  private double[] bias(String name) {
    return w.get(name);
  }

  private static void add(double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
  }

  public LlamaConfig config() {
    return c;
  }
}
