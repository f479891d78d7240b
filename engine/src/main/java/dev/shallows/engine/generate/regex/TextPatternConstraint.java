package dev.shallows.engine.generate.regex;

import dev.shallows.engine.generate.GuidedConstraint;
import java.util.BitSet;
import java.util.Map;
import java.util.Set;

/** Guided decoding by a regex or choice: the states are the automaton's (as Integers). */
final class TextPatternConstraint extends GuidedConstraint<Integer> {

  private final CharAutomaton automaton;

  TextPatternConstraint(
      CharAutomaton automaton, String[] pieces, Set<Integer> ends, Map<Integer, BitSet> cache) {
    super(automaton.start(), pieces, ends, cache, TextPattern.MAX_CACHED_STATES);
    this.automaton = automaton;
  }

  @Override
  protected Integer next(Integer state, char c) {
    int s = automaton.step(state, 0, c);
    return s < 0 ? null : s;
  }

  @Override
  protected boolean accepts(Integer state) {
    return automaton.accepts(state, 0);
  }

  @Override
  protected boolean isFinal(Integer state) {
    return !automaton.anyIn(state, 0, 0, Character.MAX_VALUE);
  }
}
