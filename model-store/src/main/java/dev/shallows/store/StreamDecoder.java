package dev.shallows.store;

import java.util.Arrays;

/**
 * Incremental detokenization for streaming: {@link #push(int)} returns only the text that became
 * complete with the new token (never half a UTF-8 character, never text a later token could still
 * change). It decodes a short window of recent ids twice, as HF's text-generation-inference does:
 * the window from the last emitted boundary, with and without the tokens not yet emitted, and emits
 * the difference. Concatenating all pushes plus {@link #flush()} equals decoding the whole sequence
 * after the context.
 */
public final class StreamDecoder {

  private static final char REPLACEMENT = '\uFFFD';

  private final TextTokenizer tokenizer;
  private int[] ids;
  private int size;
  private int prefixOffset; // start of the decode window
  private int readOffset; // ids before this are emitted

  StreamDecoder(TextTokenizer tokenizer, int[] context) {
    this.tokenizer = tokenizer;
    this.ids = Arrays.copyOf(context, Math.max(16, context.length * 2));
    this.size = context.length;
    // keep a few context tokens in the window so a leading space is kept, not stripped
    this.prefixOffset = Math.max(0, size - 4);
    this.readOffset = size;
  }

  /** Adds one generated id; returns the newly completed text (possibly empty). */
  public String push(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
    String prefix = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
    String full = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
    if (full.length() > prefix.length()
        && full.startsWith(prefix)
        && full.charAt(full.length() - 1) != REPLACEMENT) {
      String text = full.substring(prefix.length());
      prefixOffset = readOffset;
      readOffset = size;
      return text;
    }
    return "";
  }

  /** Whatever is still held back (an incomplete character decodes as U+FFFD), then resets. */
  public String flush() {
    String prefix = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset));
    String full = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size));
    prefixOffset = readOffset = size;
    return full.length() > prefix.length() && full.startsWith(prefix)
        ? full.substring(prefix.length())
        : "";
  }

  /** All ids so far, context included. */
  public int[] ids() {
    return Arrays.copyOf(ids, size);
  }
}
