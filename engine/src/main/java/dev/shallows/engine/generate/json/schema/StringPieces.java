package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.json.PieceTrie;
import dev.shallows.engine.generate.regex.CharAutomaton;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A vocabulary split for the inside of strings, where most steps are: a "plain" token (no quote,
 * backslash or control character) only adds characters, so it is allowed exactly when the string's
 * maximum length leaves room for it. The allowed set inside a string is then a precomputed set of
 * plain tokens by length plus a walk over the few other tokens, instead of a walk over all of them
 * (a string with a maxLength is a new state at every character). A string with a pattern walks the
 * plain tokens on its automaton's two ints instead.
 */
final class StringPieces {

  private static final Map<String[], StringPieces> BY_VOCABULARY = new WeakHashMap<>();

  private final BitSet[] plainUpTo; // [n]: the plain tokens of at most n code points
  private final PieceTrie plain;
  private final PieceTrie others;

  private StringPieces(String[] pieces) {
    int[] length = new int[pieces.length];
    int longest = 0;
    for (int t = 0; t < pieces.length; t++) {
      length[t] = plainLength(pieces[t]);
      longest = Math.max(longest, length[t]);
    }
    plainUpTo = new BitSet[longest + 1];
    for (int n = 0; n <= longest; n++) {
      plainUpTo[n] = new BitSet(pieces.length);
    }
    for (int t = 0; t < pieces.length; t++) {
      for (int n = Math.max(length[t], 1); n <= longest && length[t] > 0; n++) {
        plainUpTo[n].set(t);
      }
    }
    plain = PieceTrie.build(pieces, t -> length[t] > 0);
    others = PieceTrie.build(pieces, t -> length[t] < 0);
  }

  static StringPieces of(String[] pieces) {
    synchronized (BY_VOCABULARY) {
      return BY_VOCABULARY.computeIfAbsent(pieces, StringPieces::new);
    }
  }

  /** Code points of a plain token's text; -1 for a token that is not plain (or has no text). */
  static int plainLength(String p) {
    if (p == null || p.isEmpty()) {
      return 0;
    }
    int n = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        return -1;
      }
      n += Character.isLowSurrogate(c) ? 0 : 1;
    }
    return n;
  }

  /** The plain tokens that fit in {@code room} more code points. */
  BitSet plainUpTo(int room) {
    return (BitSet) plainUpTo[Math.max(0, Math.min(room, plainUpTo.length - 1))].clone();
  }

  /**
   * The plain tokens whose characters a string pattern's automaton takes from {@code state} at
   * {@code length}: a walk of plain characters only, on two ints instead of recognizer states.
   */
  BitSet plainFollowing(CharAutomaton pattern, int state, int length, int vocabulary) {
    long start = ((long) state << 32) | length;
    return plain.allowed(
        start,
        (s, c) -> {
          int next = pattern.step((int) (s >>> 32), (int) (long) s, c);
          return next < 0 ? -1L : ((long) next << 32) | pattern.grown((int) (long) s);
        },
        s -> s >= 0,
        vocabulary);
  }

  /** The tokens that are not plain. */
  PieceTrie others() {
    return others;
  }
}
