package dev.shallows.store.llama2c;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The imported stories260K, run by a plain double-precision forward pass that follows HF Llama's
 * conventions (rotate-half RoPE, names and shapes from the checkpoint), reproduces llama2.c's
 * reference: first-step logits and the greedy tokens. This proves the q/k permutation end to end.
 */
class ImportedModelForwardTest {

  @TempDir Path tmp;

  @Test
  void greedyTokensAndLogitsMatchLlama2cReference() throws IOException {
    Path dir = tmp.resolve("m");
    Llama2cImporter.importModel(
        SharedData.resolve("llama2c/stories260K.bin"),
        SharedData.resolve("llama2c/tok512.bin"),
        dir,
        false);
    JsonNode ref =
        new ObjectMapper()
            .readTree(SharedData.resolve("llama2c/reference_stories260K_greedy256.json").toFile());
    int steps = 48;
    int[] expected = new int[steps + 1];
    for (int i = 0; i <= steps; i++) {
      expected[i] = ref.get("greedy_tokens_from_bos").get(i).asInt();
    }
    try (Checkpoint ck = Checkpoint.open(dir)) {
      HfForward f = new HfForward(ck);
      int[] got = new int[steps + 1];
      got[0] = 1;
      for (int pos = 0; pos < steps; pos++) {
        double[] logits = f.step(got[pos], pos);
        if (pos == 0) {
          for (int i = 0; i < 8; i++) {
            assertEquals(ref.get("bos_logits_first8").get(i).asDouble(), logits[i], 1e-4);
          }
          for (JsonNode top : ref.get("bos_logits_top5")) {
            assertEquals(top.get(1).asDouble(), logits[top.get(0).asInt()], 1e-4);
          }
        }
        got[pos + 1] = argmax(logits);
      }
      assertArrayEquals(expected, got);
    }
  }

  private static int argmax(double[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best]) {
        best = i;
      }
    }
    return best;
  }

  /** A minimal HF-convention Llama forward with a KV cache, in double precision. */
  static final class HfForward {
    final Checkpoint ck;
    final LlamaConfig c;
    final int d, hs, heads, kvHeads, layers;
    final double[][][] kCache, vCache; // (L, T, KV)

    HfForward(Checkpoint ck) {
      this.ck = ck;
      this.c = ck.config();
      d = c.hiddenSize();
      hs = c.headDim();
      heads = c.numAttentionHeads();
      kvHeads = c.numKeyValueHeads();
      layers = c.numHiddenLayers();
      kCache = new double[layers][c.maxPositionEmbeddings()][];
      vCache = new double[layers][c.maxPositionEmbeddings()][];
    }

    final java.util.Map<String, float[]> weights = new java.util.HashMap<>();

    float[] w(String name) {
      return weights.computeIfAbsent(name, n -> ck.tensor(n).toFloatArray());
    }

    double[] step(int token, int pos) {
      float[] emb = w("model.embed_tokens.weight");
      double[] x = new double[d];
      for (int i = 0; i < d; i++) {
        x[i] = emb[token * d + i];
      }
      for (int l = 0; l < layers; l++) {
        String p = "model.layers." + l + ".";
        double[] h = rms(x, w(p + "input_layernorm.weight"));
        double[] q = rope(mv(w(p + "self_attn.q_proj.weight"), h), pos);
        double[] k = rope(mv(w(p + "self_attn.k_proj.weight"), h), pos);
        kCache[l][pos] = k;
        vCache[l][pos] = mv(w(p + "self_attn.v_proj.weight"), h);
        double[] att = new double[heads * hs];
        for (int hd = 0; hd < heads; hd++) {
          int g = hd / (heads / kvHeads);
          double[] s = new double[pos + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int t = 0; t <= pos; t++) {
            double dot = 0;
            for (int i = 0; i < hs; i++) {
              dot += q[hd * hs + i] * kCache[l][t][g * hs + i];
            }
            s[t] = dot / Math.sqrt(hs);
            max = Math.max(max, s[t]);
          }
          double sum = 0;
          for (int t = 0; t <= pos; t++) {
            s[t] = Math.exp(s[t] - max);
            sum += s[t];
          }
          for (int t = 0; t <= pos; t++) {
            for (int i = 0; i < hs; i++) {
              att[hd * hs + i] += s[t] / sum * vCache[l][t][g * hs + i];
            }
          }
        }
        add(x, mv(w(p + "self_attn.o_proj.weight"), att));
        double[] h2 = rms(x, w(p + "post_attention_layernorm.weight"));
        double[] gate = mv(w(p + "mlp.gate_proj.weight"), h2);
        double[] up = mv(w(p + "mlp.up_proj.weight"), h2);
        for (int i = 0; i < gate.length; i++) {
          gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
        }
        add(x, mv(w(p + "mlp.down_proj.weight"), gate));
      }
      double[] xf = rms(x, w("model.norm.weight"));
      return mv(ck.has("lm_head.weight") ? w("lm_head.weight") : emb, xf);
    }

    double[] rms(double[] x, float[] g) {
      double ss = 0;
      for (double v : x) {
        ss += v * v;
      }
      double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
      double[] o = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        o[i] = x[i] * inv * g[i];
      }
      return o;
    }

    /** HF rotate_half: pairs (i, i + hs/2) in every head, inv_freq theta^(-2i/hs). */
    double[] rope(double[] v, int pos) {
      double[] o = Arrays.copyOf(v, v.length);
      for (int base = 0; base < v.length; base += hs) {
        for (int i = 0; i < hs / 2; i++) {
          double a = pos * Math.pow(c.ropeTheta(), -2.0 * i / hs);
          double x1 = v[base + i];
          double x2 = v[base + i + hs / 2];
          o[base + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
          o[base + i + hs / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
        }
      }
      return o;
    }

    static double[] mv(float[] w, double[] x) {
      int rows = w.length / x.length;
      double[] y = new double[rows];
      for (int r = 0; r < rows; r++) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
          s += w[r * x.length + i] * x[i];
        }
        y[r] = s;
      }
      return y;
    }

    static void add(double[] x, double[] y) {
      for (int i = 0; i < x.length; i++) {
        x[i] += y[i];
      }
    }
  }
}
