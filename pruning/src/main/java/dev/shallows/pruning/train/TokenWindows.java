package dev.shallows.pruning.train;

import dev.shallows.pruning.data.TokenEncoder;
import dev.shallows.pruning.data.TrainingText;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training data as fixed-length token windows: documents are encoded (each starting with BOS when
 * the tokenizer uses one), concatenated, and cut into non-overlapping windows of {@code seqLen + 1}
 * tokens (inputs are the first T, targets the last T). A prompt-completion document's prompt tokens
 * are marked unscored: as targets they add nothing to the loss. Batches are drawn without
 * replacement in a seeded random order that is reshuffled every epoch; the batch of step s depends
 * only on (seed, s), so a resumed run sees exactly the data an uninterrupted one would.
 */
public final class TokenWindows {

  private final int[] tokens;

  /** Stream positions whose token is not a training target (prompt tokens); null: none. */
  private final BitSet unscored;

  private final int seqLen;
  private final int count;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cachedOrder;

  /** Windows over an already tokenized stream, every token scored. */
  public TokenWindows(int[] tokens, int seqLen, long seed) {
    this(tokens, null, seqLen, seed);
  }

  private TokenWindows(int[] tokens, BitSet unscored, int seqLen, long seed) {
    if (seqLen < 1) {
      throw new IllegalArgumentException("sequence length must be >= 1");
    }
    this.tokens = tokens;
    this.unscored = unscored == null || unscored.isEmpty() ? null : unscored;
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
      List<TrainingText> documents, TokenEncoder encoder, int seqLen, long maxTokens, long seed) {
    return encodeSources(List.of(documents), encoder, seqLen, maxTokens, seed);
  }

  /**
   * Encodes several sources in order, each contributing at most {@code maxTokensPerSource} tokens
   * (<= 0: all of it), then windows the concatenation.
   */
  public static TokenWindows encodeSources(
      List<List<TrainingText>> sources,
      TokenEncoder encoder,
      int seqLen,
      long maxTokensPerSource,
      long seed) {
    IntList all = new IntList();
    BitSet unscored = new BitSet();
    for (List<TrainingText> docs : sources) {
      long start = all.size();
      for (TrainingText doc : docs) {
        int[] ids = encoder.encode(doc.text());
        int scoredFrom =
            doc.prompt().isEmpty() ? 0 : completionStart(ids, encoder.encode(doc.prompt()));
        unscored.set(all.size(), all.size() + scoredFrom);
        all.addAll(ids);
        if (maxTokensPerSource > 0 && all.size() - start >= maxTokensPerSource) {
          break;
        }
      }
    }
    return new TokenWindows(all.toArray(), unscored, seqLen, seed);
  }

  /**
   * Where the completion starts in a document's ids: after the tokens it shares with the prompt
   * encoded alone (a token merged across the seam belongs to the completion).
   */
  static int completionStart(int[] document, int[] prompt) {
    int shared = Arrays.mismatch(document, prompt);
    return Math.min(shared < 0 ? prompt.length : shared, document.length - 1);
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
      int from = windowStart(step, batchSize, i);
      out[i] = Arrays.copyOfRange(tokens, from, from + seqLen + 1);
    }
    return out;
  }

  /**
   * Which targets of step {@code step}'s batch count in the loss: (B, T), entry [i][j] for the
   * target token j + 1 of sequence i; null when every target counts (plain text only).
   */
  public boolean[][] scoredTargets(int step, int batchSize) {
    if (unscored == null) {
      return null;
    }
    boolean[][] out = new boolean[batchSize][seqLen];
    for (int i = 0; i < batchSize; i++) {
      int from = windowStart(step, batchSize, i);
      for (int j = 0; j < seqLen; j++) {
        out[i][j] = !unscored.get(from + j + 1);
      }
    }
    return out;
  }

  /** Stream offset of sequence {@code i} of step {@code step}'s batch. */
  private int windowStart(int step, int batchSize, int i) {
    long k = (long) step * batchSize + i; // global sample index
    int epoch = Math.toIntExact(k / count);
    return order(epoch)[(int) (k % count)] * (seqLen + 1);
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
        a = Arrays.copyOf(a, a.length * 2);
      }
      System.arraycopy(xs, 0, a, n, xs.length);
      n += xs.length;
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
