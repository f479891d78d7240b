package dev.shallows.pruning.eval;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.SequenceState;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.ProgressListener;
import dev.shallows.pruning.data.TokenEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores multiple-choice items by log-likelihood: for each continuation, the summed log-probability
 * of its tokens after the context ({@link Scoring#SUM}, or divided by the continuation's UTF-8
 * bytes for answers of different lengths, {@link Scoring#PER_BYTE}: lm-evaluation-harness's
 * acc_norm); the prediction is the highest-scoring choice (first on ties).
 *
 * <p>Tokenization: context and context+continuation are encoded whole; the tokens after their
 * longest common prefix are the scored ones (so a tokenizer that merges across the boundary is
 * handled). The prefix all of them share is prefilled once per item; each continuation then rewinds
 * the sequence to it ({@link SequenceState#truncate}) and prefills only its own tokens, so a
 * few-shot prompt costs one pass instead of one per choice. Prompts longer than the model's context
 * drop shots first, then are cut from the left (keeping the first token, BOS).
 */
public final class MultipleChoiceEval {

  /** How continuation log-likelihoods are compared. */
  public enum Scoring {
    /** Summed log-probability (letters and other one-token answers). */
    SUM,
    /** Summed log-probability per UTF-8 byte of the continuation (answers written out). */
    PER_BYTE
  }

  private final Decoder decoder;
  private final Scoring scoring;
  private final TokenEncoder encoder;
  private final int maxTokens;

  /** An evaluator on one model view; prompts are limited to {@code maxTokens} tokens. */
  public MultipleChoiceEval(Decoder decoder, TokenEncoder encoder, int maxTokens) {
    this(decoder, encoder, maxTokens, Scoring.SUM);
  }

  /** As above, comparing continuations by {@code scoring}. */
  public MultipleChoiceEval(Decoder decoder, TokenEncoder encoder, int maxTokens, Scoring scoring) {
    this.decoder = decoder;
    this.scoring = scoring;
    this.encoder = encoder;
    this.maxTokens = Math.min(maxTokens, decoder.config().maxPositionEmbeddings());
  }

  /** Evaluates every item with up to {@code shots} examples in the prompt. */
  public AccuracyResult run(
      String task,
      String dataDescription,
      List<ChoiceItem> items,
      int shots,
      ProgressListener progress,
      Cancellation cancel) {
    List<AccuracyResult.ItemOutcome> out = new ArrayList<>();
    progress.progress(task, 0, items.size());
    for (ChoiceItem item : items) {
      cancel.check();
      out.add(score(item, shots));
      progress.progress(task, out.size(), items.size());
    }
    return AccuracyResult.of(task, dataDescription, out);
  }

  /** Scores one item. */
  public AccuracyResult.ItemOutcome score(ChoiceItem item, int shots) {
    int k = Math.min(shots, item.shots().size());
    int[] ctx;
    int[][] full;
    while (true) {
      String context = item.context(k);
      ctx = encoder.encode(context);
      full = new int[item.continuations().size()][];
      int longest = 0;
      for (int c = 0; c < full.length; c++) {
        full[c] = encoder.encode(context + item.continuations().get(c));
        longest = Math.max(longest, full[c].length);
      }
      if (longest <= maxTokens || k == 0) {
        if (longest > maxTokens) {
          int cut = longest - maxTokens;
          if (cut > ctx.length - 2) {
            throw new IllegalArgumentException(
                item.id() + ": the answers alone exceed the " + maxTokens + "-token window");
          }
          ctx = cutLeft(ctx, cut);
          for (int c = 0; c < full.length; c++) {
            full[c] = cutLeft(full[c], cut);
          }
        }
        break;
      }
      k--;
    }
    double[] ll = logLikelihoods(item, ctx, full);
    if (scoring == Scoring.PER_BYTE) {
      for (int c = 0; c < ll.length; c++) {
        ll[c] /= Math.max(1, item.continuations().get(c).getBytes(StandardCharsets.UTF_8).length);
      }
    }
    int best = 0;
    for (int c = 1; c < ll.length; c++) {
      if (ll[c] > ll[best]) {
        best = c;
      }
    }
    return new AccuracyResult.ItemOutcome(item.id(), item.answer(), best, k, ll);
  }

  /**
   * Summed log P(full[c][j] | full[c][..j]) over the tokens j past the context (its longest common
   * prefix p_c with full[c], at least 1). The prefix that every full[c] shares is prefilled once in
   * one sequence; each choice then rewinds to it and prefills only its own tail.
   */
  private double[] logLikelihoods(ChoiceItem item, int[] ctx, int[][] full) {
    int[] scoredFrom = new int[full.length];
    int shared = Integer.MAX_VALUE;
    int longest = 0;
    for (int c = 0; c < full.length; c++) {
      int p = commonPrefix(ctx, full[c]);
      if (p == full[c].length) {
        throw new IllegalArgumentException(
            item.id() + ": continuation '" + item.continuations().get(c) + "' adds no token");
      }
      scoredFrom[c] = Math.max(1, p);
      shared = Math.min(shared, Math.min(scoredFrom[c], commonPrefix(full[0], full[c])));
      longest = Math.max(longest, full[c].length);
    }
    double[] ll = new double[full.length];
    try (SequenceState s = decoder.newSequence(longest)) {
      // logits after the shared prefix predict each choice's token at position `shared`
      float[] sharedLast =
          shared == 0 ? null : decoder.prefill(s, Arrays.copyOf(full[0], shared), false)[0];
      for (int c = 0; c < full.length; c++) {
        int[] f = full[c];
        float[][] tail = new float[0][];
        if (f.length - 1 > shared) {
          s.truncate(shared);
          // row i predicts token shared + 1 + i
          tail = decoder.prefill(s, Arrays.copyOfRange(f, shared, f.length - 1), true);
        }
        for (int j = scoredFrom[c]; j < f.length; j++) {
          ll[c] += LogProbs.of(j == shared ? sharedLast : tail[j - shared - 1], f[j]);
        }
      }
    }
    return ll;
  }

  static int commonPrefix(int[] a, int[] b) {
    int m = Arrays.mismatch(a, b);
    return m < 0 ? a.length : m;
  }

  /** Drops {@code cut} tokens after the first one (the BOS stays). */
  static int[] cutLeft(int[] ids, int cut) {
    if (cut <= 0) {
      return ids;
    }
    int[] out = new int[ids.length - cut];
    out[0] = ids[0];
    System.arraycopy(ids, 1 + cut, out, 1, out.length - 1);
    return out;
  }
}
