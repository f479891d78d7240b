package dev.shallows.engine.generate.regex;

import dev.shallows.engine.generate.OutputConstraint;
import dev.shallows.engine.generate.json.PieceTrie;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/**
 * Guided decoding for one generation: the tokens whose text keeps the automaton able to finish,
 * found by walking the vocabulary's trie and cached per automaton state; the end tokens where the
 * text so far is a whole match. Token texts with U+FFFD (a byte of a character split across tokens)
 * are never allowed: their characters are not known until the next token.
 */
final class TextPatternConstraint implements OutputConstraint {

  private static final int DEAD = -1;

  private final CharAutomaton automaton;
  private final String[] pieces;
  private final Set<Integer> ends;
  private final Map<Integer, BitSet> cache;
  private int state;
  private boolean ended;

  TextPatternConstraint(
      CharAutomaton automaton, String[] pieces, Set<Integer> ends, Map<Integer, BitSet> cache) {
    this.automaton = automaton;
    this.pieces = pieces;
    this.ends = Set.copyOf(ends);
    this.cache = cache;
    this.state = automaton.start();
  }

  @Override
  public BitSet allowed() {
    BitSet ok = cache.get(state);
    if (ok == null) {
      ok = PieceTrie.of(pieces).allowed(state, this::step, s -> s != DEAD, pieces.length);
      if (cache.size() >= TextPattern.MAX_CACHED_STATES) {
        cache.clear();
      }
      cache.put(state, ok);
    }
    if (!ends.isEmpty() && automaton.accepts(state, 0)) {
      ok = (BitSet) ok.clone();
      for (int end : ends) {
        ok.set(end);
      }
    }
    return ok;
  }

  private Integer step(Integer s, Character c) {
    return c == '\ufffd' ? DEAD : automaton.step(s, 0, c);
  }

  @Override
  public void accept(int token) {
    if (ends.contains(token) && automaton.accepts(state, 0)) {
      ended = true;
      return;
    }
    String text = token < pieces.length ? pieces[token] : null;
    int s = text == null || text.isEmpty() ? DEAD : state;
    for (int i = 0; i < (text == null ? 0 : text.length()) && s != DEAD; i++) {
      s = step(s, text.charAt(i));
    }
    if (s == DEAD) {
      throw new IllegalStateException("token " + token + " cannot continue the guided output");
    }
    state = s;
  }

  /** Ended by an end token, or a whole match that nothing may extend. */
  @Override
  public boolean isComplete() {
    return ended
        || (automaton.accepts(state, 0) && !automaton.anyIn(state, 0, 0, Character.MAX_VALUE));
  }
}
