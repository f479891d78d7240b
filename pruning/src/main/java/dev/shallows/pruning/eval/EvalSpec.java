package dev.shallows.pruning.eval;

import java.nio.file.Path;
import java.util.Locale;

/**
 * What to evaluate.
 *
 * @param task mmlu, mmlu-cloze, boolq, arc or loss
 * @param data file or directory of the task's data
 * @param shots examples in the prompt (mmlu, arc)
 * @param limit most items / documents (≤ 0: all)
 * @param maxTokens longest prompt or loss window (capped at the model's context)
 */
public record EvalSpec(String task, Path data, int shots, int limit, int maxTokens) {

  public static final String[] TASKS = {"mmlu", "mmlu-cloze", "boolq", "arc", "loss"};

  public EvalSpec {
    task = task.toLowerCase(Locale.ROOT);
    if (!java.util.List.of(TASKS).contains(task)) {
      throw new IllegalArgumentException(
          "unknown task '" + task + "' (expected " + String.join(", ", TASKS) + ")");
    }
    if (shots < 0) {
      throw new IllegalArgumentException("shots must be ≥ 0");
    }
  }

  /** A description for reports: path, shots and limit. */
  public String describe() {
    return data.toAbsolutePath().normalize()
        + (task.equals("loss") || task.equals("boolq") ? "" : ", " + shots + "-shot")
        + (limit > 0 ? ", limit " + limit : "");
  }
}
