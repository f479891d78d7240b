package dev.shallows.pruning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The outcome of a multiple-choice evaluation: accuracy with a 95% Wilson interval, and every
 * item's outcome so that two variants can be compared on the same items.
 *
 * @param task mmlu, boolq, arc, ...
 * @param data description of the data (path, shots, limit)
 * @param n number of items
 * @param correct number answered correctly
 * @param ci95 Wilson 95% interval of the accuracy
 * @param items per-item outcomes, in evaluation order
 */
public record AccuracyResult(
    String task, String data, int n, int correct, Interval ci95, List<ItemOutcome> items)
    implements EvalResult {

  /**
   * One item's outcome.
   *
   * @param id the item id
   * @param answer the correct choice
   * @param predicted the choice with the highest log-likelihood
   * @param shots examples actually in the prompt (fewer than asked when the prompt was too long)
   * @param logLikelihoods summed log-probability of each continuation
   */
  public record ItemOutcome(
      String id, int answer, int predicted, int shots, double[] logLikelihoods) {
    public boolean correct() {
      return answer == predicted;
    }
  }

  public AccuracyResult {
    items = List.copyOf(items);
  }

  /** Builds the result from outcomes. */
  public static AccuracyResult of(String task, String data, List<ItemOutcome> items) {
    int correct = (int) items.stream().filter(ItemOutcome::correct).count();
    return new AccuracyResult(
        task,
        data,
        items.size(),
        correct,
        Statistics.wilson(correct, items.size(), Statistics.Z95),
        items);
  }

  public double accuracy() {
    return n == 0 ? 0.0 : (double) correct / n;
  }

  @Override
  public double value() {
    return accuracy();
  }

  @Override
  public ObjectNode toJson(ObjectMapper json) {
    return toJson(json, false);
  }

  /** JSON summary: task, data, n, correct, accuracy, ci95_low/high, and items if asked. */
  public ObjectNode toJson(ObjectMapper json, boolean withItems) {
    ObjectNode o = json.createObjectNode();
    o.put("task", task);
    o.put("data", data);
    o.put("n", n);
    o.put("correct", correct);
    o.put("accuracy", accuracy());
    o.put("ci95_low", ci95.low());
    o.put("ci95_high", ci95.high());
    if (withItems) {
      ArrayNode arr = o.putArray("items");
      for (ItemOutcome it : items) {
        ObjectNode i = arr.addObject();
        i.put("id", it.id());
        i.put("answer", it.answer());
        i.put("predicted", it.predicted());
        i.put("correct", it.correct());
        i.put("shots", it.shots());
      }
    }
    return o;
  }
}
