package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shallows.engine.djl.DjlLlama;
import dev.shallows.engine.djl.LinearSeam;
import java.util.Map;

/** Full-parameter training of a trainable {@link DjlLlama}: every weight is a parameter. */
public final class FullModel implements TrainableModel {

  private final DjlLlama model;

  public FullModel(DjlLlama trainableModel) {
    if (!trainableModel.isTrainable()) {
      throw new IllegalArgumentException("full-parameter training needs DjlLlama.trainable(...)");
    }
    this.model = trainableModel;
  }

  @Override
  public NDArray logits(NDArray inputIds, NDManager step) {
    return model.forward(inputIds, LinearSeam.PLAIN); // (B, T, V)
  }

  @Override
  public Map<String, NDArray> trainableParameters() {
    return model.parameters();
  }
}
