package dev.shallows.pruning.heal;

import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.engine.quant.Nf4;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds trained adapters into the base weights: {@code W' = W + (alpha / r) * B A}, accumulated in
 * double. The base is what the adapters were trained against: the F32 weight for LoRA, the
 * NF4-dequantized weight for QLoRA (as PEFT's merge of a 4-bit model does), so the merged model
 * computes what the adapted one did.
 */
public final class LoraMerge {

  private LoraMerge() {}

  /** A trained adapter pair as heap arrays: A (r, in), B (out, r), row-major. */
  public record Factors(float[] a, float[] b, int rank, int in, int out) {}

  /**
   * Merged (out, in) weights by HF weight name: the layers that have adapters, and for QLoRA every
   * decoder projection (all of them ran on their NF4 values, so all are written dequantized).
   */
  public static Map<String, float[]> merge(
      LlamaWeights view, LoraConfig config, Map<String, Factors> adapters) {
    Map<String, Matrix> proj = LoraAdapters.projections(view);
    for (String name : adapters.keySet()) {
      if (!proj.containsKey(name)) {
        throw new IllegalArgumentException("no projection named " + name);
      }
    }
    boolean qlora = config.method() == LoraConfig.Method.QLORA;
    Map<String, float[]> out = new LinkedHashMap<>();
    double scale = config.scale();
    for (Map.Entry<String, Matrix> e : proj.entrySet()) {
      Factors f = adapters.get(e.getKey());
      if (f == null && !qlora) {
        continue;
      }
      Matrix w = e.getValue();
      float[] merged = base(w, config.method());
      if (f != null) {
        if (f.out() != w.rows() || f.in() != w.cols()) {
          throw new IllegalArgumentException("adapter shape does not match " + e.getKey());
        }
        int r = f.rank();
        for (int o = 0; o < f.out(); o++) {
          for (int i = 0; i < f.in(); i++) {
            double acc = 0;
            for (int k = 0; k < r; k++) {
              acc += (double) f.b()[o * r + k] * f.a()[k * f.in() + i];
            }
            merged[o * f.in() + i] = (float) (merged[o * f.in() + i] + scale * acc);
          }
        }
      }
      out.put(e.getKey(), merged);
    }
    return out;
  }

  /** The adapters' current values as heap factors, keyed by HF weight name. */
  public static Map<String, Factors> factors(LoraAdapters adapters) {
    Map<String, Factors> out = new LinkedHashMap<>();
    int r = adapters.config().rank();
    for (LoraAdapters.Pair p : adapters.pairs()) {
      out.put(
          p.weightName(),
          new Factors(p.a().toFloatArray(), p.b().toFloatArray(), r, p.in(), p.out()));
    }
    return out;
  }

  private static float[] base(Matrix w, LoraConfig.Method method) {
    FloatBuffer data = w.data().duplicate();
    if (method == LoraConfig.Method.QLORA) {
      return Nf4.quantize(w.name(), data, w.rows(), w.cols()).dequantize();
    }
    float[] a = new float[w.rows() * w.cols()];
    data.get(a);
    return a;
  }
}
