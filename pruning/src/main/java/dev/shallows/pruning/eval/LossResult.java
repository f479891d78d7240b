package dev.shallows.pruning.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Next-token loss on held-out text. The normalized loss is the mean loss (nats per token) divided
 * by ln V, so 1.0 is a uniform guess over the vocabulary, as in Gromov et al.'s Figure 2.
 *
 * @param data description of the text
 * @param documents documents read
 * @param windows scored windows (documents are cut into windows of at most the context length)
 * @param tokens tokens predicted
 * @param meanLoss mean next-token cross-entropy in nats
 * @param vocabSize V
 * @param ci95 95% interval of the normalized loss (windows as clusters)
 */
public record LossResult(
    String data,
    int documents,
    int windows,
    long tokens,
    double meanLoss,
    int vocabSize,
    Interval ci95)
    implements EvalResult {

  @Override
  public double value() {
    return normalizedLoss();
  }

  public double normalizedLoss() {
    return meanLoss / Math.log(vocabSize);
  }

  @Override
  public ObjectNode toJson(ObjectMapper json) {
    ObjectNode o = json.createObjectNode();
    o.put("task", "loss");
    o.put("data", data);
    o.put("normalized_loss", normalizedLoss());
    o.put("ci95_low", ci95.low());
    o.put("ci95_high", ci95.high());
    o.put("mean_loss_nats", meanLoss);
    o.put("vocab_size", vocabSize);
    o.put("n", tokens);
    o.put("documents", documents);
    o.put("windows", windows);
    return o;
  }
}
