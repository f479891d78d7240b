package dev.shallows.pruning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The result of one evaluation: an accuracy (multiple choice) or a normalized loss. */
public sealed interface EvalResult permits AccuracyResult, LossResult {

  /** The headline number: accuracy, or normalized loss. */
  double value();

  /** Its 95% interval. */
  Interval ci95();

  /** JSON with at least {@code accuracy} or {@code normalized_loss}, {@code n} and the interval. */
  ObjectNode toJson(ObjectMapper json);
}
