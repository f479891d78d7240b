package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.shallows.engine.generate.Stories260K;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.data.TrainingText;
import dev.shallows.pruning.train.TokenWindows;
import dev.shallows.pruning.train.TrainableModel;
import dev.shallows.store.SharedData;
import java.util.List;

/** Shared test inputs: stories260K and windows of King James Bible text (out of its domain). */
final class HealingFixture {

  static final int SEQ_LEN = 64;

  private HealingFixture() {}

  /** Training windows of KJV text encoded with the stories260K tokenizer. */
  static TokenWindows kjvWindows(long seed, int maxTokens) {
    List<TrainingText> docs =
        TextDocuments.readTraining(
            SharedData.resolve("corpus/kjv_bible_bible-kjv-text_4.38.txt"), 400);
    return TokenWindows.encode(
        docs, text -> Stories260K.tokenizer().encode(text, true), SEQ_LEN, maxTokens, seed);
  }

  /** Mean next-token loss of {@code model} on a fixed batch (no dropout, no gradients kept). */
  static double loss(TrainableModel model, int[][] batch, NDManager parent) {
    int b = batch.length;
    int t = batch[0].length - 1;
    long[] in = new long[b * t];
    long[] out = new long[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        in[i * t + j] = batch[i][j];
        out[i * t + j] = batch[i][j + 1];
      }
    }
    model.setTraining(false);
    try (NDManager m = parent.newSubManager()) {
      NDArray logits = model.logits(m.create(in, new Shape(b, t)), m); // (B, T, V)
      return logits
          .logSoftmax(-1)
          .gather(m.create(out, new Shape(b, t, 1)), -1)
          .mean()
          .neg()
          .getFloat();
    }
  }

  /** Logits (B, T, V) flattened, for equivalence checks. */
  static float[] logits(TrainableModel model, int[][] batch, NDManager parent) {
    int b = batch.length;
    int t = batch[0].length;
    long[] in = new long[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        in[i * t + j] = batch[i][j];
      }
    }
    model.setTraining(false);
    try (NDManager m = parent.newSubManager()) {
      return model.logits(m.create(in, new Shape(b, t)), m).toFloatArray();
    }
  }
}
