package dev.shallows.store.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level alphabet and pre-tokenizer that Hugging Face's {@code ByteLevel}
 * pre-tokenizer uses: every byte maps to one printable character, and text is split into word-like
 * chunks before BPE. Used only to train; encoding at run time goes through the tokenizers library.
 */
public final class ByteLevel {

  /** The split regex of HF's ByteLevel pre-tokenizer ({@code use_regex: true}). */
  static final Pattern SPLIT =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private static final char[] BYTE_TO_CHAR = byteToChar();

  private ByteLevel() {}

  /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256, 257, ... */
  private static char[] byteToChar() {
    char[] map = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) {
      printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
    int next = 256;
    for (int b = 0; b < 256; b++) {
      map[b] = printable[b] ? (char) b : (char) next++;
    }
    return map;
  }

  /** The alphabet character that stands for byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The pre-tokenized chunks of {@code text}, as in HF's ByteLevel with add_prefix_space=false. */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = SPLIT.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** A chunk's UTF-8 bytes, each mapped to its alphabet character. */
  public static String toAlphabet(String chunk) {
    byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
    char[] chars = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      chars[i] = charOf(bytes[i]);
    }
    return new String(chars);
  }
}
