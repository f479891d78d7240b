package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.regex.EcmaRegex;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.math.BigDecimal;

/**
 * JSON Schema's {@code multipleOf} as an automaton over number texts, to intersect with the range
 * automaton: an integer step up to {@value #MAX_STEP} is a divisibility automaton (the remainder of
 * the digits read so far), a power of ten below one ({@code 0.01}) bounds the decimals.
 */
final class Multiples {

  /** The largest integer step (the automaton has one state per remainder). */
  static final int MAX_STEP = 1000;

  private Multiples() {}

  /**
   * The number texts that are multiples of {@code step}.
   *
   * @throws IllegalArgumentException for a step that is neither kind
   */
  static Automaton of(BigDecimal step) {
    if (step.signum() <= 0) {
      throw new IllegalArgumentException("multipleOf must be above 0");
    }
    BigDecimal s = step.stripTrailingZeros();
    if (s.scale() <= 0 && s.compareTo(BigDecimal.valueOf(MAX_STEP)) <= 0) {
      return divisibleBy(s.intValueExact());
    }
    if (s.unscaledValue().intValue() == 1 && s.scale() <= IntegerRange.MAX_DIGITS) {
      return EcmaRegex.whole("-?[0-9]+(?:\\.[0-9]{1," + s.scale() + "})?");
    }
    throw new IllegalArgumentException(
        "multipleOf must be an integer up to " + MAX_STEP + " or a power of ten below one");
  }

  /** Signed digit strings whose value is divisible by m. */
  private static Automaton divisibleBy(int m) {
    State[] remainder = new State[m];
    for (int r = 0; r < m; r++) {
      remainder[r] = new State();
    }
    remainder[0].setAccept(true);
    State start = new State();
    State minus = new State();
    start.addTransition(new Transition('-', minus));
    for (int d = 0; d <= 9; d++) {
      char c = (char) ('0' + d);
      start.addTransition(new Transition(c, remainder[d % m]));
      minus.addTransition(new Transition(c, remainder[d % m]));
      for (int r = 0; r < m; r++) {
        remainder[r].addTransition(new Transition(c, remainder[(r * 10 + d) % m]));
      }
    }
    Automaton a = new Automaton();
    a.setInitialState(start);
    a.setDeterministic(true);
    return a;
  }
}
