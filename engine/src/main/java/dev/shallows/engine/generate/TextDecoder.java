package dev.shallows.engine.generate;

/**
 * Token ids to text, as the model's tokenizer decodes a whole sequence (special tokens skipped).
 * Generation only needs this one operation; pass {@code textTokenizer::decode}.
 */
@FunctionalInterface
public interface TextDecoder {

  /** The text of {@code ids}, decoded together (so multi-token characters come out whole). */
  String decode(int[] ids);
}
