package dev.shallows.pruning.data;

/**
 * Text to token ids as the model sees a fresh sequence: with the BOS token prepended when the
 * model's tokenizer uses one. Adapts whatever tokenizer the model directory provides.
 */
@FunctionalInterface
public interface TokenEncoder {

  int[] encode(String text);
}
