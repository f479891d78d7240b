package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.norm.Dropout;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.engine.djl.LinearSeam;
import dev.shallows.engine.quant.Nf4;
import dev.shallows.engine.quant.Nf4Djl;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LoRA and QLoRA through the engine's linear seam: {@code y = x W^T + b + (alpha/r) * dropout(x)
 * A^T B^T}. For QLoRA the frozen base weight of every decoder projection is held in NF4 and
 * dequantized on the fly for each call (the F32 weight the model passes in is ignored), so the
 * forward pass and its gradients see exactly the quantized base, as in QLoRA. Temporaries go to the
 * manager of the activation {@code x} (the caller's step manager).
 */
public final class LoraSeam implements LinearSeam, AutoCloseable {

  private final LoraAdapters adapters;
  private final Map<String, Nf4Djl> nf4; // empty for plain LoRA
  private volatile boolean training;

  private LoraSeam(LoraAdapters adapters, Map<String, Nf4Djl> nf4) {
    this.adapters = adapters;
    this.nf4 = nf4;
  }

  /** LoRA over the model's own (F32) weights. */
  public static LoraSeam lora(LoraAdapters adapters) {
    return new LoraSeam(adapters, Map.of());
  }

  /**
   * QLoRA: quantizes every decoder projection of {@code view} to NF4 (held in {@code parent}'s
   * sub-managers, freed on close); embeddings, norms and the LM head stay F32 as in QLoRA.
   */
  public static LoraSeam qlora(LoraAdapters adapters, LlamaWeights view, NDManager parent) {
    Map<String, Nf4Djl> q = new LinkedHashMap<>();
    for (Map.Entry<String, Matrix> e : LoraAdapters.projections(view).entrySet()) {
      Matrix w = e.getValue();
      q.put(
          e.getKey(),
          new Nf4Djl(parent, Nf4.quantize(e.getKey(), w.data().duplicate(), w.rows(), w.cols())));
    }
    return new LoraSeam(adapters, q);
  }

  /** Dropout on (training) or off (evaluation, merging checks). */
  public void setTraining(boolean training) {
    this.training = training;
  }

  public LoraAdapters adapters() {
    return adapters;
  }

  /** True when the base weights are NF4 (QLoRA). */
  public boolean quantized() {
    return !nf4.isEmpty();
  }

  /**
   * The frozen base weight this seam computes with for {@code weightName}: the NF4 weight
   * dequantized into {@code m} (QLoRA), or null when the model's own weight is used (LoRA).
   */
  public NDArray baseWeight(String weightName, NDManager m) {
    Nf4Djl q = nf4.get(weightName);
    return q == null ? null : q.dequantize(m);
  }

  @Override
  public NDArray apply(String name, NDArray x, NDArray weight, NDArray biasOrNull) {
    NDManager m = x.getManager();
    Nf4Djl q = nf4.get(name);
    NDArray w = q != null ? q.dequantize(m) : weight; // (out, in)
    NDArray y = LinearSeam.plain(name, x, w, biasOrNull); // (..., out)
    LoraAdapters.Pair p = adapters.get(name);
    if (p == null) {
      return y;
    }
    double dropout = adapters.config().dropout();
    NDArray xd =
        training && dropout > 0 ? Dropout.dropout(x, (float) dropout, true).singletonOrThrow() : x;
    NDArray at = p.a().transpose(); // (in, r)
    at.attach(m);
    NDArray bt = p.b().transpose(); // (r, out)
    bt.attach(m);
    NDArray delta = xd.matMul(at).matMul(bt).mul(adapters.config().scale()); // (..., out)
    return y.add(delta);
  }

  @Override
  public void close() {
    nf4.values().forEach(Nf4Djl::close);
  }
}
