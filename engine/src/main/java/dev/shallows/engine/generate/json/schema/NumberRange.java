package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.regex.EcmaRegex;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON texts of the numbers between two integer bounds (each inclusive or exclusive, or
 * absent), as an automaton: an integer part of at most {@value IntegerRange#MAX_DIGITS} digits with
 * no leading zeros, an optional fraction of at most 16 digits, no exponent, no {@code -0}. A number
 * n.f (n its integer part) lies below an integer b when n < b, or n = b and f is all zeros; the
 * ranges are built from those cases.
 */
final class NumberRange {

  private static final Automaton FRACTION = EcmaRegex.whole("\\.[0-9]{1,16}");
  private static final Automaton ZEROS = EcmaRegex.whole("\\.0{1,16}");
  private static final Automaton NONZERO = FRACTION.minus(ZEROS);

  private NumberRange() {}

  /**
   * The texts of the numbers between {@code lo} and {@code hi} ({@code Long.MIN_VALUE} / {@code
   * Long.MAX_VALUE}: no bound), clamped to the digit limit.
   *
   * @throws IllegalArgumentException when no number is left
   */
  static Automaton of(long lo, boolean loExclusive, long hi, boolean hiExclusive) {
    if (lo < -IntegerRange.LIMIT) {
      lo = -IntegerRange.LIMIT;
      loExclusive = false;
    }
    if (hi > IntegerRange.LIMIT) {
      hi = IntegerRange.LIMIT;
      hiExclusive = false;
    }
    List<Automaton> options = new ArrayList<>();
    if (hi >= 0) { // x >= 0
      boolean ex = lo >= 0 && loExclusive;
      unsigned(Math.max(lo, 0), ex, hi, hiExclusive, options);
    }
    if (lo < 0) { // x = -y, y > 0
      List<Automaton> negative = new ArrayList<>();
      long c = hi >= 0 ? 0 : -hi;
      unsigned(c, hi >= 0 || hiExclusive, -lo, loExclusive, negative);
      if (!negative.isEmpty()) {
        options.add(BasicAutomata.makeChar('-').concatenate(Automaton.union(negative)));
      }
    }
    if (options.isEmpty()) {
      throw new IllegalArgumentException("no number lies between the bounds");
    }
    Automaton a = Automaton.union(options);
    a.minimize();
    return a;
  }

  /** Adds the unsigned texts of the numbers between a and b (0 <= a) to {@code out}. */
  private static void unsigned(
      long a, boolean aExclusive, long b, boolean bExclusive, List<Automaton> out) {
    if (a > b) {
      return;
    }
    long anyFractionFrom = aExclusive ? a + 1 : a;
    if (anyFractionFrom <= b - 1) { // n in [from, b - 1]: every fraction stays below b
      out.add(integers(anyFractionFrom, b - 1).concatenate(FRACTION.optional()));
    }
    if (!bExclusive && (a < b || !aExclusive)) { // x = b exactly
      out.add(integers(b, b).concatenate(ZEROS.optional()));
    }
    if (aExclusive && a < b) { // a < x < a + 1
      out.add(integers(a, a).concatenate(NONZERO));
    }
  }

  private static Automaton integers(long from, long to) {
    return EcmaRegex.whole(IntegerRange.nonNegative(from, to));
  }
}
