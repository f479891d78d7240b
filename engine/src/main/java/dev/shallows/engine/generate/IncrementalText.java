package dev.shallows.engine.generate;

import java.util.Arrays;

/**
 * Streams the text of a growing token sequence without ever splitting a character: each new token's
 * text is the difference between decoding a short window with and without the unreleased tokens,
 * released only when it does not end in U+FFFD (an incomplete UTF-8 sequence). The window starts
 * with a few prompt tokens so that tokenizers which strip a leading space at the start of a text
 * (SentencePiece) treat the first generated token as a continuation, as llama2.c does.
 */
final class IncrementalText {

  /** Prompt tokens kept as left context (vLLM uses 5). */
  static final int CONTEXT = 5;

  private final TextDecoder decoder;
  private int[] ids;
  private int size;
  private int prefixOffset; // window start: text before it is already released
  private int readOffset; // tokens before it have had their text released

  IncrementalText(TextDecoder decoder, int[] prompt) {
    this.decoder = decoder;
    int context = Math.min(CONTEXT, prompt.length);
    this.ids = Arrays.copyOfRange(prompt, prompt.length - context, prompt.length + 16);
    this.size = context;
    this.prefixOffset = 0;
    this.readOffset = context;
  }

  /** Adds a token; returns its new text (may be empty while a character is incomplete). */
  String push(int token) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = token;
    String prefix = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
    String full = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, size));
    if (full.length() > prefix.length() && !full.endsWith("\uFFFD")) {
      prefixOffset = readOffset;
      readOffset = size;
      return full.substring(prefix.length());
    }
    return "";
  }

  /** Releases whatever text is still held (the sequence ended on an incomplete character). */
  String flush() {
    if (readOffset == size) {
      return "";
    }
    String prefix = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
    String full = decoder.decode(Arrays.copyOfRange(ids, prefixOffset, size));
    prefixOffset = readOffset = size;
    return full.length() > prefix.length() ? full.substring(prefix.length()) : "";
  }
}
