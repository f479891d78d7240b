package dev.shallows.engine.generate.grammar;

import dev.shallows.engine.generate.OutputConstraint;
import dev.shallows.engine.generate.json.PieceTrie;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/**
 * Grammar-guided decoding for one generation: the tokens whose text the recognizer can take, found
 * by walking the vocabulary's trie and cached per recognizer state; the end tokens where the text
 * so far is whole. Token texts with U+FFFD (a byte of a character split across tokens) are never
 * allowed: their characters are not known until the next token.
 */
final class GrammarConstraint implements OutputConstraint {

  private final String[] pieces;
  private final Set<Integer> ends;
  private final Map<GrammarState, BitSet> cache;
  private GrammarState state;
  private boolean ended;

  GrammarConstraint(
      GrammarState start, String[] pieces, Set<Integer> ends, Map<GrammarState, BitSet> cache) {
    this.state = start;
    this.pieces = pieces;
    this.ends = Set.copyOf(ends);
    this.cache = cache;
  }

  @Override
  public BitSet allowed() {
    BitSet ok = cache.get(state);
    if (ok == null) {
      ok =
          PieceTrie.of(pieces)
              .allowed(state, GrammarConstraint::step, s -> s != null, pieces.length);
      if (cache.size() >= Grammar.MAX_CACHED_STATES) {
        cache.clear();
      }
      cache.put(state, ok);
    }
    if (!ends.isEmpty() && state.accepts()) {
      ok = (BitSet) ok.clone();
      for (int end : ends) {
        ok.set(end);
      }
    }
    return ok;
  }

  private static GrammarState step(GrammarState s, Character c) {
    return c == '\ufffd' ? null : s.step(c);
  }

  @Override
  public void accept(int token) {
    if (ends.contains(token) && state.accepts()) {
      ended = true;
      return;
    }
    String text = token < pieces.length ? pieces[token] : null;
    GrammarState s = text == null || text.isEmpty() ? null : state;
    for (int i = 0; i < (text == null ? 0 : text.length()) && s != null; i++) {
      s = step(s, text.charAt(i));
    }
    if (s == null) {
      throw new IllegalStateException("token " + token + " cannot continue the grammar's output");
    }
    state = s;
  }

  /** Ended by an end token, or a whole text that nothing may extend. */
  @Override
  public boolean isComplete() {
    return ended || state.isFinal();
  }
}
