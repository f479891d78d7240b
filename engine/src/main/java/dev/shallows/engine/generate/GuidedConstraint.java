package dev.shallows.engine.generate;

import dev.shallows.engine.generate.json.PieceTrie;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/**
 * Guided decoding for one generation over a recognizer whose states are {@code S} (a regex
 * automaton's, a grammar's): the tokens whose text the recognizer can take, found by walking the
 * vocabulary's trie and cached per state (shared by the generations of one language and
 * vocabulary); the end tokens where the text so far is whole. Token texts with U+FFFD (a byte of a
 * character split across tokens) are never allowed: their characters are not known until the next
 * token.
 *
 * @param <S> a recognizer state: immutable, with value equality
 */
public abstract class GuidedConstraint<S> implements OutputConstraint {

  private final String[] pieces;
  private final Set<Integer> ends;
  private final Map<S, BitSet> cache;
  private final int maxCached;
  private S state;
  private boolean ended;

  protected GuidedConstraint(
      S start, String[] pieces, Set<Integer> ends, Map<S, BitSet> cache, int maxCached) {
    this.state = start;
    this.pieces = pieces;
    this.ends = Set.copyOf(ends);
    this.cache = cache;
    this.maxCached = maxCached;
  }

  /** The state after {@code c}, or null when the text cannot go on with it. */
  protected abstract S next(S state, char c);

  /** Whether the text that led to {@code state} is whole. */
  protected abstract boolean accepts(S state);

  /** Whether nothing may follow the text that led to {@code state}. */
  protected abstract boolean isFinal(S state);

  @Override
  public BitSet allowed() {
    BitSet ok = cache.get(state);
    if (ok == null) {
      ok = PieceTrie.of(pieces).allowed(state, this::step, s -> s != null, pieces.length);
      if (cache.size() >= maxCached) {
        cache.clear();
      }
      cache.put(state, ok);
    }
    if (!ends.isEmpty() && accepts(state)) {
      ok = (BitSet) ok.clone();
      for (int end : ends) {
        ok.set(end);
      }
    }
    return ok;
  }

  private S step(S s, Character c) {
    return c == '\ufffd' ? null : next(s, c);
  }

  @Override
  public void accept(int token) {
    if (ends.contains(token) && accepts(state)) {
      ended = true;
      return;
    }
    String text = token < pieces.length ? pieces[token] : null;
    S s = text == null || text.isEmpty() ? null : state;
    for (int i = 0; i < (text == null ? 0 : text.length()) && s != null; i++) {
      s = step(s, text.charAt(i));
    }
    if (s == null) {
      throw new IllegalStateException("token " + token + " cannot continue the guided output");
    }
    state = s;
  }

  /** Ended by an end token, or a whole text that nothing may extend. */
  @Override
  public boolean isComplete() {
    return ended || (accepts(state) && isFinal(state));
  }
}
