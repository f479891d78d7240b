package dev.shallows.engine;

import dev.shallows.store.LlamaConfig;
import java.util.List;

/**
 * A runtime for one model view (a full model or a layer-pruned variant): prefill, batched decode
 * and residual-stream capture. The weights are immutable and shared; all per-sequence state lives
 * in {@link SequenceState}. Implementations: {@code DjlDecoder} (DJL NDArray ops: the reference and
 * the GPU path) and {@code CpuDecoder} (Java + OpenBLAS: the CPU fast path); {@code Decoders}
 * chooses between them in one place. Not thread-safe: one thread drives a decoder at a time.
 *
 * <p>Letters: B batch, T tokens, V vocab, D hidden, L layers.
 */
public interface Decoder extends AutoCloseable {

  /** The config of this view (num_hidden_layers = layers kept). */
  LlamaConfig config();

  /** Original indices of the layers this view runs. */
  int[] layers();

  /** A fresh sequence with room for {@code capacity} positions (capped at the context length). */
  SequenceState newSequence(int capacity);

  /**
   * Appends {@code tokens} to the sequence in one pass and returns logits: (T, V) for every new
   * position if {@code allPositions}, else (1, V) for the last.
   */
  float[][] prefill(SequenceState state, int[] tokens, boolean allPositions);

  /**
   * Prefills several distinct sequences in one pass: {@code tokens.get(i)} (at least one token) is
   * appended to {@code states.get(i)}. Returns, per sequence, what {@link #prefill} returns: (T_i,
   * V) if {@code allPositions[i]}, else (1, V). Short prompts that join together then share one
   * read of the weights. The default prefills them one after the other.
   */
  default List<float[][]> prefill(
      List<SequenceState> states, List<int[]> tokens, boolean[] allPositions) {
    checkPrefillBatch(states, tokens, allPositions);
    List<float[][]> out = new java.util.ArrayList<>(states.size());
    for (int i = 0; i < states.size(); i++) {
      out.add(prefill(states.get(i), tokens.get(i), allPositions[i]));
    }
    return out;
  }

  /** Throws unless a multi-sequence prefill has one token list and one flag per sequence. */
  static void checkPrefillBatch(
      List<SequenceState> states, List<int[]> tokens, boolean[] allPositions) {
    if (states.size() != tokens.size() || states.size() != allPositions.length) {
      throw new IllegalArgumentException(
          states.size()
              + " sequences, "
              + tokens.size()
              + " token lists, "
              + allPositions.length
              + " flags");
    }
  }

  /** One decode step for several sequences at once: token b goes to sequence b. Returns (B, V). */
  float[][] decode(List<SequenceState> states, int[] tokens);

  /**
   * The residual stream at the last token: row l is x(l), the input of layer l, for l in 0..L-1,
   * and row L is the output of the last layer before the final norm. Returns (L+1, D).
   */
  float[][] residuals(int[] tokens);

  /** Frees the decoder's own native resources (not the shared weights). */
  @Override
  void close();
}
