package dev.shallows.pruning.sweep;

import dev.shallows.pruning.eval.EvalResult;
import java.util.List;
import java.util.Map;

/**
 * One point of a sweep: a strategy, n layers removed (ORIGINAL indices), healed or not, and the
 * result of each evaluation by task name.
 */
public record SweepRow(
    String strategy,
    int n,
    int layers,
    List<Integer> removedOriginal,
    boolean healed,
    Map<String, EvalResult> results) {

  public SweepRow {
    removedOriginal = List.copyOf(removedOriginal);
    results = Map.copyOf(results);
  }

  /** Fraction of the source model's layers removed. */
  public double fraction() {
    return (double) n / layers;
  }

  /** Series label: the strategy, plus "+heal" for healed variants. */
  public String series() {
    return healed ? strategy + "+heal" : strategy;
  }
}
