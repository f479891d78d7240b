package dev.shallows.pruning.train;

import dev.shallows.pruning.data.TokenEncoder;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training data as fixed-length token windows: documents are encoded (each starting with BOS when
 * the tokenizer uses one), concatenated, and cut into non-overlapping windows of {@code seqLen + 1}
 * tokens (inputs are the first T, targets the last T). Batches are drawn without replacement in a
 * seeded random order that is reshuffled every epoch; the batch of step s depends only on (seed,
 * s), so a resumed run sees exactly the data an uninterrupted one would.
 */
public final class TokenWindows {

  private final int[] tokens;
  private final int seqLen;
  private final int count;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  /** Windows over an already tokenized stream. */
  public TokenWindows(int[] tokens, int seqLen, long seed) {
    if (seqLen < 1) {
      throw new IllegalArgumentException("sequence length must be >= 1");
    }
    this.tokens = tokens;
    this.seqLen = seqLen;
    this.count = tokens.length / (seqLen + 1);
    this.seed = seed;
    if (count == 0) {
      throw new IllegalArgumentException(
          "need at least " + (seqLen + 1) + " tokens of training text, got " + tokens.length);
    }
  }

  /**
   * Encodes documents until {@code maxTokens} tokens are collected (maxTokens <= 0: all), then
   * windows them.
   */
  public static TokenWindows encode(
      List<String> documents, TokenEncoder encoder, int seqLen, long maxTokens, long seed) {
    IntList all = new IntList();
    for (String doc : documents) {
      all.addAll(encoder.encode(doc));
      if (maxTokens > 0 && all.size() >= maxTokens) {
        break;
      }
    }
    return new TokenWindows(all.toArray(), seqLen, seed);
  }

  /**
   * Encodes several sources in order, each contributing at most {@code maxTokensPerSource} tokens
   * (<= 0: all of it), then windows the concatenation.
   */
  public static TokenWindows encodeSources(
      List<List<String>> sources,
      TokenEncoder encoder,
      int seqLen,
      long maxTokensPerSource,
      long seed) {
    IntList all = new IntList();
    for (List<String> docs : sources) {
      long start = all.size();
      for (String doc : docs) {
        all.addAll(encoder.encode(doc));
        if (maxTokensPerSource > 0 && all.size() - start >= maxTokensPerSource) {
          break;
        }
      }
    }
    return new TokenWindows(all.toArray(), seqLen, seed);
  }

  /** Number of windows (samples per epoch). */
  public int size() {
    return count;
  }

  public int seqLen() {
    return seqLen;
  }

  /** Total tokens available. */
  public int tokenCount() {
    return tokens.length;
  }

  /** The batch of optimizer step {@code step}: (B, T+1) token ids. */
  public int[][] batch(int step, int batchSize) {
    int[][] out = new int[batchSize][];
    for (int i = 0; i < batchSize; i++) {
      long k = (long) step * batchSize + i; // global sample index
      int epoch = Math.toIntExact(k / count);
      int w = order(epoch)[(int) (k % count)];
      out[i] = new int[seqLen + 1];
      System.arraycopy(tokens, w * (seqLen + 1), out[i], 0, seqLen + 1);
    }
    return out;
  }

  /** A permutation of the windows for one epoch (Fisher-Yates with a seed derived from epoch). */
  private int[] order(int epoch) {
    if (epoch != cachedEpoch) {
      int[] p = new int[count];
      for (int i = 0; i < count; i++) {
        p[i] = i;
      }
      SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
      for (int i = count - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      cachedOrder = p;
      cachedEpoch = epoch;
    }
    return cachedOrder;
  }

  /** A growable int array. */
  private static final class IntList {
    private int[] a = new int[1 << 16];
    private int n;

    void addAll(int[] xs) {
      while (n + xs.length > a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      System.arraycopy(xs, 0, a, n, xs.length);
      n += xs.length;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}
