package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shallows.engine.djl.DjlEnvironment;
import dev.shallows.pruning.Cancellation;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A step whose loss overflows (here: {@link BigramModel}'s logits multiplied by infinity on chosen
 * steps) is skipped: the weights stay finite and training goes on; too many in a row stop the run
 * with an error.
 */
class NonFiniteStepTest {

  private static final int V = 8;

  private static TokenWindows data() {
    int[] tokens = new int[2000];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (i * 3) % V; // a deterministic cycle a bigram model can learn
    }
    return new TokenWindows(tokens, 16, 1);
  }

  private static TrainerConfig config(int steps) {
    return new TrainerConfig(steps, 4, 16, 5e-2, 5e-3, 2, 0.0, 1.0, 1, null, 0);
  }

  @Test
  void overflowedStepsAreSkippedAndWeightsStayFinite() {
    DjlEnvironment.init();
    try (NDManager m = NDManager.newBaseManager()) {
      BigramModel model = new BigramModel(m, V, Set.of(5, 6, 20));
      TrainingResult r =
          new Trainer(config(40), m)
              .train(model, data(), false, TrainingListener.NONE, Cancellation.none());
      assertEquals(40, r.stepsDone());
      assertFalse(Double.isFinite(r.losses().get(5)), "step 6 overflowed");
      float[] w = model.w.toFloatArray();
      for (float x : w) {
        assertTrue(Float.isFinite(x), "a weight became " + x);
      }
      double first = r.losses().get(0);
      double last = r.losses().get(39);
      assertTrue(last < first - 0.5, "training went on: loss " + first + " -> " + last);
    }
  }

  @Test
  void manyOverflowsInARowStopTheRun() {
    DjlEnvironment.init();
    try (NDManager m = NDManager.newBaseManager()) {
      Set<Integer> all = new java.util.HashSet<>();
      for (int i = 3; i < 40; i++) {
        all.add(i);
      }
      BigramModel model = new BigramModel(m, V, all);
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  new Trainer(config(40), m)
                      .train(model, data(), false, TrainingListener.NONE, Cancellation.none()));
      assertTrue(e.getMessage().contains("not finite"), e.getMessage());
    }
  }
}
