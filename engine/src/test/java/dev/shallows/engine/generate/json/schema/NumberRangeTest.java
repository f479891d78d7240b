package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dk.brics.automaton.RunAutomaton;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Number-range automata against BigDecimal comparisons of random JSON number texts. */
class NumberRangeTest {

  @Test
  void rangesAcceptExactlyTheNumbersBetweenTheirBounds() {
    Random rnd = new Random(8);
    long none = Long.MIN_VALUE;
    for (int trial = 0; trial < 400; trial++) {
      long lo = rnd.nextInt(5) == 0 ? none : rnd.nextInt(40) - 20;
      long hi = rnd.nextInt(5) == 0 ? Long.MAX_VALUE : (lo == none ? 0 : lo) + rnd.nextInt(25);
      boolean loEx = rnd.nextBoolean();
      boolean hiEx = rnd.nextBoolean();
      RunAutomaton a;
      try {
        a = new RunAutomaton(NumberRange.of(lo, loEx, hi, hiEx));
      } catch (IllegalArgumentException empty) {
        assertEquals(true, lo == hi && (loEx || hiEx), "refused " + lo + ".." + hi);
        continue;
      }
      for (int i = 0; i < 400; i++) {
        String text = randomNumber(rnd);
        BigDecimal v = new BigDecimal(text);
        boolean above =
            lo == none
                || (loEx
                    ? v.compareTo(BigDecimal.valueOf(lo)) > 0
                    : v.compareTo(BigDecimal.valueOf(lo)) >= 0);
        boolean below =
            hi == Long.MAX_VALUE
                || (hiEx
                    ? v.compareTo(BigDecimal.valueOf(hi)) < 0
                    : v.compareTo(BigDecimal.valueOf(hi)) <= 0);
        boolean negativeZero = text.startsWith("-") && v.signum() == 0;
        String range = (loEx ? "(" : "[") + lo + ", " + hi + (hiEx ? ")" : "]");
        assertEquals(above && below && !negativeZero, a.run(text), text + " in " + range);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> NumberRange.of(3, true, 3, false));
  }

  /** A JSON number text: sign, 1-3 integer digits without leading zeros, maybe 1-3 decimals. */
  private static String randomNumber(Random rnd) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "-" : "");
    b.append(rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : rnd.nextInt(30));
    if (rnd.nextBoolean()) {
      b.append('.');
      int digits = 1 + rnd.nextInt(3);
      for (int i = 0; i < digits; i++) {
        b.append(rnd.nextInt(3) == 0 ? '0' : (char) ('0' + rnd.nextInt(10)));
      }
    }
    return b.toString();
  }
}
