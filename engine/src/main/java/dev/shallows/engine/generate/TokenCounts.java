package dev.shallows.engine.generate;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The token history that penalties look at: which ids occur in the prompt or the output (repetition
 * penalty) and how often each id occurs in the output (presence / frequency).
 */
public final class TokenCounts {

  private final BitSet seen = new BitSet();
  private final Map<Integer, Integer> output = new HashMap<>();

  /** Counts for a sequence whose prompt is {@code prompt}. */
  public TokenCounts(int[] prompt) {
    for (int t : prompt) {
      seen.set(t);
    }
  }

  /** Records one generated token. */
  public void addOutput(int token) {
    seen.set(token);
    output.merge(token, 1, Integer::sum);
  }

  /** Ids present in the prompt or the output. */
  public BitSet seen() {
    return seen;
  }

  /** Id -> occurrences in the output (read-only view). */
  public Map<Integer, Integer> outputCounts() {
    return java.util.Collections.unmodifiableMap(output);
  }
}
