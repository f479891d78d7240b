package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.pruning.train.TrainableModel;
import java.util.Map;

/** A frozen {@link DjlLlama} with LoRA/QLoRA adapters: only the adapters are trained. */
public final class LoraModel implements TrainableModel {

  private final DjlLlama model;
  private final LoraSeam seam;

  public LoraModel(DjlLlama frozenModel, LoraSeam seam) {
    this.model = frozenModel;
    this.seam = seam;
  }

  @Override
  public NDArray logits(NDArray inputIds, NDManager step) {
    return model.forward(inputIds, seam); // (B, T, V)
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return seam.adapters().parameters();
  }

  @Override
  public void setTraining(boolean training) {
    seam.setTraining(training);
  }

  public LoraSeam seam() {
    return seam;
  }

  public DjlLlama model() {
    return model;
  }
}
