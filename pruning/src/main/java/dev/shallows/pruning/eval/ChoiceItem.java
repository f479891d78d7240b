package dev.shallows.pruning.eval;

import java.util.List;

/**
 * One multiple-choice question, scored by the log-likelihood of each continuation after a context.
 * The context is {@code header + shots[0..k) + query}; the evaluator lowers k when the prompt does
 * not fit the model's context (as the original MMLU code does).
 *
 * @param id stable identifier (file:row or the dataset's id), used to pair items across variants
 * @param header text before the examples (MMLU: "The following are multiple choice questions...")
 * @param shots solved examples, each ending in "\n\n"
 * @param query the question itself, ending right before the answer (e.g. "...\nAnswer:")
 * @param continuations the candidate answers (e.g. " A", " B", " C", " D")
 * @param answer index of the correct continuation
 */
public record ChoiceItem(
    String id,
    String header,
    List<String> shots,
    String query,
    List<String> continuations,
    int answer) {

  public ChoiceItem {
    shots = List.copyOf(shots);
    continuations = List.copyOf(continuations);
    if (answer < 0 || answer >= continuations.size()) {
      throw new IllegalArgumentException(id + ": answer index " + answer + " out of range");
    }
  }

  /** The prompt with the first {@code k} shots. */
  public String context(int k) {
    StringBuilder sb = new StringBuilder(header);
    for (int i = 0; i < Math.min(k, shots.size()); i++) {
      sb.append(shots.get(i));
    }
    return sb.append(query).toString();
  }
}
