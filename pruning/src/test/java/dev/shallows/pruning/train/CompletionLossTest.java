package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.shallows.engine.djl.DjlEnvironment;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.data.TrainingText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Prompt-completion training: the loss is the mean next-token loss over the completions' tokens
 * only (checked against a plain-Java bigram computation), and tokens that only ever precede prompt
 * tokens get no gradient at all.
 */
class CompletionLossTest {

  private static final int V = 8;

  /**
   * "ghg" -> "ab", repeated: after h and after b only prompt tokens follow (h -> g, b -> the next
   * "ghg"); after g comes h (prompt) or a (completion), so only a full loss would see g ambiguous.
   */
  private static TokenWindows data() {
    List<TrainingText> docs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      docs.add(new TrainingText("ghg", "ab"));
    }
    return TokenWindows.encode(docs, TokenWindowsTest::letters, 9, 0, 3);
  }

  @Test
  void lossCountsOnlyCompletionTokensAndPromptsGetNoGradient() {
    DjlEnvironment.init();
    TokenWindows data = data();
    try (NDManager m = NDManager.newBaseManager()) {
      BigramModel model = new BigramModel(m, V, Set.of());
      float[] w0 = model.w.toFloatArray();
      TrainerConfig c = new TrainerConfig(30, 2, 9, 0.3, 0.1, 0, 0.0, 0.0, 1, null, 0);
      TrainingResult r =
          new Trainer(c, m).train(model, data, false, TrainingListener.NONE, Cancellation.none());

      assertEquals(
          referenceLoss(w0, data.batch(0, 2), data.scoredTargets(0, 2)), r.losses().get(0), 1e-5);
      float[] w = model.w.toFloatArray();
      for (int row : new int[] {'h' - 'a', 'b' - 'a'}) {
        assertArrayEquals(
            Arrays.copyOfRange(w0, row * V, row * V + V),
            Arrays.copyOfRange(w, row * V, row * V + V),
            "row " + (char) ('a' + row) + " precedes only prompt tokens and must not move");
      }
      // the completion was learned: after g comes a (the prompt's g -> h does not count), then b
      assertTrue(r.losses().get(29) < 0.2, "completion loss " + r.losses());
    }
  }

  /** Mean of -log softmax(W[x_j])[x_{j+1}] over the scored targets, in doubles. */
  private static double referenceLoss(float[] w, int[][] batch, boolean[][] scored) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < batch.length; i++) {
      for (int j = 0; j + 1 < batch[i].length; j++) {
        if (!scored[i][j]) {
          continue;
        }
        int x = batch[i][j];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < V; v++) {
          max = Math.max(max, w[x * V + v]);
        }
        double z = 0;
        for (int v = 0; v < V; v++) {
          z += Math.exp(w[x * V + v] - max);
        }
        sum += -(w[x * V + batch[i][j + 1]] - max - Math.log(z));
        n++;
      }
    }
    assertTrue(n > 0 && n < batch.length * (batch[0].length - 1), "some, not all, scored: " + n);
    return sum / n;
  }
}
