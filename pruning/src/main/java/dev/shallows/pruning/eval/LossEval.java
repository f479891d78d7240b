package dev.shallows.pruning.eval;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.TokenEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Normalized validation loss: each document is tokenized (with BOS), cut into non-overlapping
 * windows of at most {@code maxTokens} tokens, and every window is prefilled once with logits at
 * all positions; each position's loss is -log softmax(logits)[next token]. The interval treats
 * windows as clusters (ratio estimator), since tokens of one window are not independent.
 */
public final class LossEval {

  private final Decoder decoder;
  private final TokenEncoder encoder;
  private final int maxTokens;

  public LossEval(Decoder decoder, TokenEncoder encoder, int maxTokens) {
    this.decoder = decoder;
    this.encoder = encoder;
    this.maxTokens = Math.min(maxTokens, decoder.config().maxPositionEmbeddings());
    if (this.maxTokens < 2) {
      throw new IllegalArgumentException("windows need at least 2 tokens");
    }
  }

  public LossResult run(
      String dataDescription,
      List<String> documents,
      ProgressListener progress,
      Cancellation cancel) {
    List<double[]> windows = new ArrayList<>(); // {sum of losses, tokens}
    int done = 0;
    progress.progress("loss", 0, documents.size());
    for (String doc : documents) {
      int[] ids = encoder.encode(doc);
      for (int start = 0; start + 1 < ids.length; start += maxTokens) {
        cancel.check();
        int[] w = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + maxTokens));
        if (w.length >= 2) {
          windows.add(windowLoss(w));
        }
      }
      progress.progress("loss", ++done, documents.size());
    }
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("no document has two or more tokens: " + dataDescription);
    }
    double sum = 0;
    long count = 0;
    for (double[] w : windows) {
      sum += w[0];
      count += (long) w[1];
    }
    double mean = sum / count;
    int k = windows.size();
    double var = 0;
    for (double[] w : windows) {
      double r = w[0] - mean * w[1];
      var += r * r;
    }
    double se = k > 1 ? Math.sqrt(var * k / (k - 1.0)) / count : 0.0;
    int vocab = decoder.config().vocabSize();
    Interval ci =
        new Interval(mean - Statistics.Z95 * se, mean + Statistics.Z95 * se)
            .scaled(Math.log(vocab));
    return new LossResult(dataDescription, documents.size(), k, count, mean, vocab, ci);
  }

  /** {sum of -log p(next token), tokens predicted} for one window. */
  private double[] windowLoss(int[] w) {
    try (SequenceState s = decoder.newSequence(w.length)) {
      float[][] logits = decoder.prefill(s, Arrays.copyOf(w, w.length - 1), true); // (T-1, V)
      double sum = 0;
      for (int i = 0; i < logits.length; i++) {
        sum -= LogProbs.of(logits[i], w[i + 1]);
      }
      return new double[] {sum, logits.length};
    }
  }
}
