package dev.shallows.server.inference;

import dev.shallows.store.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of single tokens for logprobs: what the token adds after the token before it (so a
 * SentencePiece word-start token keeps its leading space), special tokens by their name. A text's
 * first token reads as the text starts (no leading space).
 */
public final class TokenTexts {

  private final TextTokenizer tokenizer;

  public TokenTexts(TextTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Text of {@code id} following {@code prev} (-1 = none). */
  public String text(int prev, int id) {
    if (tokenizer.isSpecial(id) || tokenizer.isEos(id) || id == tokenizer.bosId()) {
      String s = tokenizer.tokenString(id);
      return s == null ? "" : s;
    }
    if (prev < 0 || tokenizer.isSpecial(prev) || prev == tokenizer.bosId()) {
      return tokenizer.decode(new int[] {id}, false); // a text's first token, as the text starts
    }
    String before = tokenizer.decode(new int[] {prev}, false);
    String both = tokenizer.decode(new int[] {prev, id}, false);
    return both.startsWith(before)
        ? both.substring(before.length())
        : tokenizer.decode(new int[] {id}, false);
  }

  /** UTF-8 bytes of a token text as a list (chat logprobs' {@code bytes}). */
  public static List<Integer> bytes(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    List<Integer> out = new ArrayList<>(b.length);
    for (byte x : b) {
      out.add(x & 0xff);
    }
    return out;
  }
}
