package dev.shallows.engine.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next token from a row of logits (V). The pieces are small pure functions, composed in
 * the order vLLM and llama2.c use: penalties, the logit bias, then either argmax (temperature 0) or
 * temperature, top-k, softmax, top-p and a draw from the seeded RNG. Each sequence owns one Sampler
 * (its RNG), so a seed reproduces the same tokens whatever else is batched with it.
 */
public final class Sampler {

  private final SamplingParams params;
  private final TokenCounts counts;
  private final SplittableRandom rng;

  /** A sampler for one sequence; {@code counts} is the sequence's history (read for penalties). */
  public Sampler(SamplingParams params, TokenCounts counts) {
    this.params = params;
    this.counts = counts;
    long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
    this.rng = new SplittableRandom(seed);
  }

  /** The next token. Overwrites {@code logits} (V) with intermediate values. */
  public int sample(float[] logits) {
    if (params.hasPenalties()) {
      applyPenalties(
          logits,
          counts,
          params.repetitionPenalty(),
          params.presencePenalty(),
          params.frequencyPenalty());
    }
    for (Map.Entry<Integer, Double> e : params.logitBias().entrySet()) {
      logits[e.getKey()] += e.getValue().floatValue();
    }
    if (!params.allowedTokenIds().isEmpty()) {
      onlyAllowed(logits, params.allowedTokenIds());
    }
    if (params.isGreedy()) {
      return argmax(logits);
    }
    scale(logits, 1.0 / params.temperature());
    if (params.topK() > 0 && params.topK() < logits.length) {
      topK(logits, params.topK());
    }
    double[] probs = softmax(logits);
    if (params.topP() < 1) {
      topP(probs, params.topP());
    }
    if (params.minP() > 0) {
      minP(probs, params.minP());
    }
    return draw(probs, rng.nextDouble());
  }

  // ---- the pieces ------------------------------------------------------------------------

  /** Sets every logit but those of {@code allowed} to -inf (vLLM's allowed_token_ids). */
  public static void onlyAllowed(float[] logits, java.util.List<Integer> allowed) {
    float[] kept = new float[allowed.size()];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = logits[allowed.get(i)];
    }
    java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < kept.length; i++) {
      logits[allowed.get(i)] = kept[i];
    }
  }

  /** Index of the largest value; the first one on ties (llama2.c's greedy rule). */
  public static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Repetition penalty on every id in {@code counts.seen()} (positive logits divided by {@code
   * repetition}, negative multiplied), then OpenAI's {@code logit -= frequency * count + presence}
   * for every id generated so far.
   */
  public static void applyPenalties(
      float[] logits, TokenCounts counts, double repetition, double presence, double frequency) {
    if (repetition != 1) {
      BitSet seen = counts.seen();
      for (int t = seen.nextSetBit(0); t >= 0 && t < logits.length; t = seen.nextSetBit(t + 1)) {
        logits[t] = (float) (logits[t] > 0 ? logits[t] / repetition : logits[t] * repetition);
      }
    }
    if (presence != 0 || frequency != 0) {
      for (Map.Entry<Integer, Integer> e : counts.outputCounts().entrySet()) {
        int t = e.getKey();
        if (t < logits.length) {
          logits[t] = (float) (logits[t] - frequency * e.getValue() - presence);
        }
      }
    }
  }

  /** Multiplies every logit by {@code factor} (1 / temperature). */
  public static void scale(float[] logits, double factor) {
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (logits[i] * factor);
    }
  }

  /** Keeps the {@code k} largest logits (lower index first on ties); the rest become -inf. */
  public static void topK(float[] logits, int k) {
    if (k >= logits.length) {
      return;
    }
    boolean[] keep = new boolean[logits.length];
    for (int i : topIndices(logits, k)) {
      keep[i] = true;
    }
    for (int i = 0; i < logits.length; i++) {
      if (!keep[i]) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** Probabilities exp(l - max) / sum; -inf logits get probability 0. */
  public static double[] softmax(float[] logits) {
    float max = logits[argmax(logits)];
    float[] e = new float[logits.length];
    double sum = ExpSum.exp(logits, 1f, max, e);
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = e[i] / sum;
    }
    return p;
  }

  /** log-softmax: the raw model distribution that logprobs report. */
  public static double[] logSoftmax(float[] logits) {
    float max = logits[argmax(logits)];
    double logZ = max + Math.log(ExpSum.exp(logits, 1f, max, null));
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - logZ;
    }
    return out;
  }

  /**
   * Nucleus filter in place: keeps the most likely tokens (in descending order, lower index first
   * on ties) until their mass reaches {@code p}, zeroes the rest and renormalizes. Only tokens with
   * probability >= (1 - p) / (V - 1) can be in the nucleus (llama2.c's cut): the others together
   * hold less than 1 - p, so only those candidates are sorted.
   */
  public static void topP(double[] probs, double p) {
    int n = probs.length;
    double cutoff = n > 1 ? (1 - p) / (n - 1) : 0;
    // sort keys: the probability's float bits (monotonic for non-negative floats) above, the
    // complemented index below, so that ascending order is worst first and ties favour low ids
    long[] keys = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (probs[i] >= cutoff && probs[i] > 0) {
        keys[m++] = ((long) Float.floatToIntBits((float) probs[i]) << 32) | (0xFFFFFFFFL - i);
      }
    }
    Arrays.sort(keys, 0, m);
    boolean[] keep = new boolean[n];
    double mass = 0;
    for (int j = m - 1; j >= 0; j--) {
      int i = (int) (0xFFFFFFFFL - (keys[j] & 0xFFFFFFFFL));
      keep[i] = true;
      mass += probs[i];
      if (mass >= p) {
        break;
      }
    }
    for (int i = 0; i < n; i++) {
      probs[i] = keep[i] ? probs[i] / mass : 0;
    }
  }

  /**
   * Min-p filter in place: zeroes the tokens whose probability is below {@code p} times the largest
   * and renormalizes (the most likely token always stays).
   */
  public static void minP(double[] probs, double p) {
    double max = 0;
    for (double v : probs) {
      max = Math.max(max, v);
    }
    double floor = p * max;
    double mass = 0;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] < floor) {
        probs[i] = 0;
      }
      mass += probs[i];
    }
    for (int i = 0; i < probs.length; i++) {
      probs[i] /= mass;
    }
  }

  /** Inverse-CDF draw: the first index whose cumulative probability exceeds {@code coin}. */
  public static int draw(double[] probs, double coin) {
    double cdf = 0;
    int last = 0;
    for (int i = 0; i < probs.length; i++) {
      if (probs[i] > 0) {
        cdf += probs[i];
        last = i;
        if (coin < cdf) {
          return i;
        }
      }
    }
    return last; // rounding: coin fell just past the total mass
  }

  /** Indices of the {@code n} largest values, best first (lower index first on ties). */
  public static int[] topIndices(float[] values, int n) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return topIndices(d, n);
  }

  /** Indices of the {@code n} largest values, best first (lower index first on ties). */
  public static int[] topIndices(double[] values, int n) {
    n = Math.min(n, values.length);
    int[] best = new int[n]; // sorted: best[0] is the largest so far
    int filled = 0;
    for (int i = 0; i < values.length; i++) {
      if (filled == n && !(values[i] > values[best[n - 1]])) {
        continue;
      }
      int j = filled < n ? filled++ : n - 1;
      while (j > 0 && values[i] > values[best[j - 1]]) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = i;
    }
    return Arrays.copyOf(best, filled);
  }

  /** The {@code n} most likely tokens of a log-softmax row, best first. */
  public static List<TopLogprob> topLogprobs(double[] logprobs, int n) {
    List<TopLogprob> out = new ArrayList<>(n);
    for (int i : topIndices(logprobs, n)) {
      out.add(new TopLogprob(i, logprobs[i]));
    }
    return out;
  }
}
