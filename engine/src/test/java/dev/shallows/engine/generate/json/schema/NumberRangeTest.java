package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.brics.automaton.RunAutomaton;
import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Number-range automata against BigDecimal comparisons of random JSON number texts. */
class NumberRangeTest {

  @Test
  void rangesAcceptExactlyTheNumbersBetweenTheirBounds() {
    Random rnd = new Random(8);
    int refused = 0;
    for (int trial = 0; trial < 400; trial++) {
      // integer and decimal bounds (0-3 decimals) around zero, each absent one time in five
      BigDecimal lo = rnd.nextInt(5) == 0 ? null : bound(rnd, rnd.nextInt(4000) - 2000);
      BigDecimal hi =
          rnd.nextInt(5) == 0
              ? null
              : (lo == null ? BigDecimal.ZERO : lo)
                  .add(bound(rnd, rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(2500)));
      boolean loEx = rnd.nextBoolean();
      boolean hiEx = rnd.nextBoolean();
      String range = (loEx ? "(" : "[") + lo + ", " + hi + (hiEx ? ")" : "]");
      RunAutomaton a;
      try {
        a = new RunAutomaton(NumberRange.of(lo, loEx, hi, hiEx));
      } catch (IllegalArgumentException empty) {
        assertTrue(lo.compareTo(hi) == 0 && (loEx || hiEx), "refused " + range);
        refused++;
        continue;
      }
      for (int i = 0; i < 400; i++) {
        String text = i < 8 && lo != null ? near(lo, rnd) : randomNumber(rnd);
        if (i >= 8 && i < 16 && hi != null) {
          text = near(hi, rnd);
        }
        BigDecimal v = new BigDecimal(text);
        boolean above = lo == null || (loEx ? v.compareTo(lo) > 0 : v.compareTo(lo) >= 0);
        boolean below = hi == null || (hiEx ? v.compareTo(hi) < 0 : v.compareTo(hi) <= 0);
        boolean negativeZero = text.startsWith("-") && v.signum() == 0;
        boolean json = text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]{1,16})?");
        assertEquals(above && below && !negativeZero && json, a.run(text), text + " in " + range);
      }
    }
    assertTrue(refused > 0, "the empty ranges were tried");
    assertThrows(
        IllegalArgumentException.class,
        () -> NumberRange.of(new BigDecimal("0.5"), false, new BigDecimal("0.4999"), false));
    assertThrows(
        IllegalArgumentException.class,
        () -> NumberRange.of(new BigDecimal("1e-40"), false, null, false),
        "more decimals than a bound may have");
  }

  @Test
  void boundsBeyondTheDigitsWrittenStillCompare() {
    // 17 decimals: no 16-decimal text equals the bound, the comparison still holds
    RunAutomaton a =
        new RunAutomaton(NumberRange.of(new BigDecimal("0.12345678901234565"), true, null, false));
    assertTrue(a.run("0.1234567890123457"));
    assertTrue(!a.run("0.1234567890123456"));
    assertTrue(a.run("1"));
    RunAutomaton huge = new RunAutomaton(NumberRange.of(null, false, new BigDecimal("1e30"), true));
    assertTrue(huge.run("9999999999999999.5"));
    assertTrue(huge.run("-3"));
  }

  /** unscaled / 10^(0..3): an integer or a decimal bound. */
  private static BigDecimal bound(Random rnd, int unscaled) {
    return BigDecimal.valueOf(unscaled, rnd.nextInt(4));
  }

  /** A text at or next to a bound: the bound itself (with trailing zeros) or one ulp-ish off. */
  private static String near(BigDecimal b, Random rnd) {
    BigDecimal step = BigDecimal.valueOf(1, 1 + rnd.nextInt(5));
    BigDecimal v =
        switch (rnd.nextInt(3)) {
          case 0 -> b.setScale(Math.max(b.scale(), 0) + rnd.nextInt(3));
          case 1 -> b.add(step);
          default -> b.subtract(step);
        };
    String s = v.toPlainString();
    return s.equals("-0") || s.matches("-0\\.0*") ? s.substring(1) : s;
  }

  /** A JSON number text: sign, 1-3 integer digits without leading zeros, maybe 1-5 decimals. */
  private static String randomNumber(Random rnd) {
    StringBuilder b = new StringBuilder(rnd.nextBoolean() ? "-" : "");
    b.append(rnd.nextInt(4) == 0 ? rnd.nextInt(1000) : rnd.nextInt(30));
    if (rnd.nextBoolean()) {
      b.append('.');
      int digits = 1 + rnd.nextInt(5);
      for (int i = 0; i < digits; i++) {
        b.append(rnd.nextInt(3) == 0 ? '0' : (char) ('0' + rnd.nextInt(10)));
      }
    }
    return b.toString();
  }
}
