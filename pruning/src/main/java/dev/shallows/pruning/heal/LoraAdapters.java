package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trainable low-rank pairs of one healing run, keyed by the HF weight name of the layer they
 * adapt: A (r, in) and B (out, r) in F32, in their own manager. Parameter names follow Hugging Face
 * PEFT ({@code base_model.model.<module>.lora_A.weight}) so checkpoints and saved adapters agree.
 */
public final class LoraAdapters implements AutoCloseable {

  /** One adapter pair. */
  public record Pair(String weightName, NDArray a, NDArray b, int in, int out) {}

  private final LoraConfig config;
  private final NDManager manager;
  private final Map<String, Pair> pairs = new LinkedHashMap<>();

  private LoraAdapters(LoraConfig config, NDManager manager) {
    this.config = config;
    this.manager = manager;
  }

  /**
   * Fresh adapters for every targeted projection of a model view: A ~ U(-1/sqrt(in), 1/sqrt(in))
   * (PEFT's kaiming_uniform_ with a = sqrt(5)) drawn from {@code seed} in name order, B = 0.
   */
  public static LoraAdapters create(
      NDManager parent, LoraConfig config, LlamaWeights view, long seed) {
    LoraAdapters ad = new LoraAdapters(config, parent.newSubManager());
    SplittableRandom rnd = new SplittableRandom(seed);
    for (Map.Entry<String, Matrix> e : projections(view).entrySet()) {
      if (!config.targets(e.getKey())) {
        continue;
      }
      int out = e.getValue().rows();
      int in = e.getValue().cols();
      float bound = (float) (1.0 / Math.sqrt(in));
      float[] a = new float[config.rank() * in];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
      }
      ad.add(e.getKey(), a, new float[out * config.rank()], in, out);
    }
    if (ad.pairs.isEmpty()) {
      throw new IllegalArgumentException(
          "no layer matches target modules " + config.targetModules());
    }
    return ad;
  }

  /** Adapters with given values (loading a saved adapter), A (r, in) and B (out, r) row-major. */
  public static LoraAdapters of(
      NDManager parent, LoraConfig config, Map<String, float[][]> abByWeight, LlamaWeights view) {
    LoraAdapters ad = new LoraAdapters(config, parent.newSubManager());
    Map<String, Matrix> proj = projections(view);
    for (Map.Entry<String, float[][]> e : abByWeight.entrySet()) {
      Matrix w = proj.get(e.getKey());
      if (w == null) {
        throw new IllegalArgumentException("adapter for unknown layer " + e.getKey());
      }
      ad.add(e.getKey(), e.getValue()[0], e.getValue()[1], w.cols(), w.rows());
    }
    return ad;
  }

  private void add(String weightName, float[] a, float[] b, int in, int out) {
    int r = config.rank();
    NDArray aa = manager.create(a, new Shape(r, in));
    NDArray bb = manager.create(b, new Shape(out, r));
    aa.setRequiresGradient(true);
    bb.setRequiresGradient(true);
    pairs.put(weightName, new Pair(weightName, aa, bb, in, out));
  }

  /** Every linear projection of the decoder layers of a view, by HF name (position in the view). */
  public static Map<String, Matrix> projections(LlamaWeights view) {
    Map<String, Matrix> out = new LinkedHashMap<>();
    List<LayerWeights> layers = view.layers();
    for (int i = 0; i < layers.size(); i++) {
      LayerWeights l = layers.get(i);
      String p = "model.layers." + i + ".";
      out.put(p + "self_attn.q_proj.weight", l.wq());
      out.put(p + "self_attn.k_proj.weight", l.wk());
      out.put(p + "self_attn.v_proj.weight", l.wv());
      out.put(p + "self_attn.o_proj.weight", l.wo());
      out.put(p + "mlp.gate_proj.weight", l.gate());
      out.put(p + "mlp.up_proj.weight", l.up());
      out.put(p + "mlp.down_proj.weight", l.down());
    }
    return out;
  }

  public LoraConfig config() {
    return config;
  }

  /** The pair adapting {@code weightName}, or null. */
  public Pair get(String weightName) {
    return pairs.get(weightName);
  }

  public List<Pair> pairs() {
    return Collections.unmodifiableList(new ArrayList<>(pairs.values()));
  }

  /** PEFT's tensor name for a weight's A or B: {@code base_model.model.<module>.lora_A.weight}. */
  public static String peftName(String weightName, char which) {
    String module = weightName.substring(0, weightName.length() - ".weight".length());
    return "base_model.model." + module + ".lora_" + which + ".weight";
  }

  /** All A and B arrays by PEFT name (the trainable parameters). */
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Pair p : pairs.values()) {
      out.put(peftName(p.weightName(), 'A'), p.a());
      out.put(peftName(p.weightName(), 'B'), p.b());
    }
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }
}
