package dev.shallows.engine.generate.grammar;

import dev.shallows.engine.generate.GuidedConstraint;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/** Guided decoding by a grammar: the states are the recognizer's sets of parses. */
final class GrammarConstraint extends GuidedConstraint<GrammarState> {

  GrammarConstraint(
      GrammarState start, String[] pieces, Set<Integer> ends, Map<GrammarState, BitSet> cache) {
    super(start, pieces, ends, cache, Grammar.MAX_CACHED_STATES);
  }

  @Override
  protected GrammarState next(GrammarState state, char c) {
    return state.step(c);
  }

  @Override
  protected boolean accepts(GrammarState state) {
    return state.accepts();
  }

  @Override
  protected boolean isFinal(GrammarState state) {
    return state.isFinal();
  }
}
