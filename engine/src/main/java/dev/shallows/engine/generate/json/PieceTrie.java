package dev.shallows.engine.generate.json;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * A vocabulary's token texts as a trie, so that a constraint tries every token by walking shared
 * prefixes once and drops a whole subtree at its first impossible character (after a key, most of a
 * 32,000-token vocabulary dies at its first character). One trie per vocabulary, shared.
 */
public final class PieceTrie {

  private static final Map<String[], PieceTrie> TRIES = new WeakHashMap<>();

  private final char[] keys; // sorted child characters
  private final PieceTrie[] children;
  private final int[] tokens; // tokens whose text ends here

  private PieceTrie(char[] keys, PieceTrie[] children, int[] tokens) {
    this.keys = keys;
    this.children = children;
    this.tokens = tokens;
  }

  /** The trie of {@code pieces} (null and empty texts are left out), built once per array. */
  public static PieceTrie of(String[] pieces) {
    synchronized (TRIES) {
      return TRIES.computeIfAbsent(pieces, p -> build(p, t -> true));
    }
  }

  /** A trie of the tokens {@code include} selects among {@code pieces} (not cached). */
  public static PieceTrie build(String[] pieces, IntPredicate include) {
    Builder root = new Builder();
    for (int t = 0; t < pieces.length; t++) {
      String p = pieces[t];
      if (p == null || p.isEmpty() || !include.test(t)) {
        continue;
      }
      Builder b = root;
      for (int i = 0; i < p.length(); i++) {
        b = b.children.computeIfAbsent(p.charAt(i), c -> new Builder());
      }
      b.tokens = Arrays.copyOf(b.tokens, b.tokens.length + 1);
      b.tokens[b.tokens.length - 1] = t;
    }
    return root.freeze();
  }

  /**
   * The tokens whose whole text keeps {@code start} alive: {@code step} advances a state by one
   * character, {@code alive} says whether a state can still continue.
   */
  public <S> BitSet allowed(
      S start, BiFunction<S, Character, S> step, Predicate<S> alive, int vocabulary) {
    BitSet ok = new BitSet(vocabulary);
    walk(start, step, alive, ok);
    return ok;
  }

  private <S> void walk(S state, BiFunction<S, Character, S> step, Predicate<S> alive, BitSet ok) {
    for (int i = 0; i < keys.length; i++) {
      S next = step.apply(state, keys[i]);
      if (alive.test(next)) {
        PieceTrie child = children[i];
        for (int t : child.tokens) {
          ok.set(t);
        }
        child.walk(next, step, alive, ok);
      }
    }
  }

  private static final class Builder {
    final TreeMap<Character, Builder> children = new TreeMap<>();
    int[] tokens = new int[0];

    PieceTrie freeze() {
      char[] keys = new char[children.size()];
      PieceTrie[] kids = new PieceTrie[children.size()];
      int i = 0;
      for (Map.Entry<Character, Builder> e : children.entrySet()) {
        keys[i] = e.getKey();
        kids[i++] = e.getValue().freeze();
      }
      return new PieceTrie(keys, kids, tokens);
    }
  }
}
