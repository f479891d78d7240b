package dev.shallows.engine.generate.json.schema;

import dev.shallows.engine.generate.regex.EcmaRegex;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON texts of the numbers between two decimal bounds (each inclusive or exclusive, or
 * absent), as an automaton: an integer part of at most {@value IntegerRange#MAX_DIGITS} digits with
 * no leading zeros, an optional fraction of at most {@value #FRACTION_DIGITS} digits, no exponent,
 * no {@code -0}. A bound b = n.f (n its integer part, f its decimals without trailing zeros) is
 * compared with a magnitude m.d in two steps: the integer parts (digit-class ranges), and when they
 * are equal the decimals digit by digit, as strings padded with zeros.
 */
final class NumberRange {

  static final int FRACTION_DIGITS = 16;

  /** Most decimals a bound may have: beyond, it is refused rather than compared digit by digit. */
  static final int MAX_BOUND_DECIMALS = 32;

  private static final Automaton ANY_FRACTION =
      EcmaRegex.whole("(?:\\.[0-9]{1," + FRACTION_DIGITS + "})?");
  private static final Automaton MAGNITUDES =
      integers(0, IntegerRange.LIMIT).concatenate(ANY_FRACTION);
  private static final Automaton POSITIVE =
      MAGNITUDES.minus(EcmaRegex.whole("0(?:\\.0{1," + FRACTION_DIGITS + "})?"));

  /** Every number text: a magnitude, or a minus and a positive magnitude. */
  private static final Automaton ALL = MAGNITUDES.union(minus(POSITIVE));

  private NumberRange() {}

  /**
   * The texts of the numbers between {@code lo} and {@code hi} (null: no bound).
   *
   * @throws IllegalArgumentException when no number is left, or a bound has more than {@value
   *     #MAX_BOUND_DECIMALS} decimals
   */
  static Automaton of(BigDecimal lo, boolean loExclusive, BigDecimal hi, boolean hiExclusive) {
    Automaton a = ALL;
    if (lo != null) {
      a = a.intersection(atLeast(lo, loExclusive));
    }
    if (hi != null) {
      a = a.intersection(atMost(hi, hiExclusive));
    }
    a.minimize();
    if (a.isEmpty()) {
      throw new IllegalArgumentException("no number lies between the bounds");
    }
    return a;
  }

  /** x >= b (x > b when exclusive). */
  private static Automaton atLeast(BigDecimal b, boolean exclusive) {
    if (b.signum() >= 0) {
      return exclusive ? above(b) : atLeastMagnitude(b);
    }
    // x = -m >= b  <=>  m <= |b|, m > 0
    Automaton m = exclusive ? below(b.negate()) : atMostMagnitude(b.negate());
    return MAGNITUDES.union(minus(m.intersection(POSITIVE)));
  }

  /** x <= b (x < b when exclusive). */
  private static Automaton atMost(BigDecimal b, boolean exclusive) {
    if (b.signum() > 0 || (b.signum() == 0 && !exclusive)) {
      return minus(POSITIVE).union(exclusive ? below(b) : atMostMagnitude(b));
    }
    // x = -m <= b (b <= 0)  <=>  m >= |b|; x < 0 needs m > 0
    Automaton m = exclusive ? above(b.negate()) : atLeastMagnitude(b.negate());
    return minus(m.intersection(POSITIVE));
  }

  private static Automaton above(BigDecimal b) {
    return atLeastMagnitude(b).minus(equalMagnitude(b));
  }

  private static Automaton below(BigDecimal b) {
    return atMostMagnitude(b).minus(equalMagnitude(b));
  }

  /** Magnitude texts m >= b (b >= 0). */
  private static Automaton atLeastMagnitude(BigDecimal b) {
    long n = integerPart(b);
    String f = decimals(b);
    List<Automaton> options = new ArrayList<>();
    if (n < IntegerRange.LIMIT) {
      options.add(integers(n + 1, IntegerRange.LIMIT).concatenate(ANY_FRACTION));
    }
    if (n <= IntegerRange.LIMIT) {
      String ge = fractionAtLeast(f, FRACTION_DIGITS);
      if (f.isEmpty()) {
        options.add(integers(n, n).concatenate(ANY_FRACTION));
      } else if (ge != null) {
        options.add(integers(n, n).concatenate(EcmaRegex.whole("\\.(?:" + ge + ")")));
      }
    }
    return options.isEmpty() ? BasicAutomata.makeEmpty() : Automaton.union(options);
  }

  /** Magnitude texts m <= b (b >= 0). */
  private static Automaton atMostMagnitude(BigDecimal b) {
    long n = integerPart(b);
    if (n > IntegerRange.LIMIT) {
      return MAGNITUDES;
    }
    List<Automaton> options = new ArrayList<>();
    if (n > 0) {
      options.add(integers(0, n - 1).concatenate(ANY_FRACTION));
    }
    Automaton decimals =
        EcmaRegex.whole("\\.(?:" + fractionAtMost(decimals(b), FRACTION_DIGITS) + ")")
            .intersection(EcmaRegex.whole("\\.[0-9]{1," + FRACTION_DIGITS + "}"));
    options.add(integers(n, n).concatenate(decimals.optional()));
    return Automaton.union(options);
  }

  /** Magnitude texts equal to b (b >= 0): its digits, then zeros. */
  private static Automaton equalMagnitude(BigDecimal b) {
    long n = integerPart(b);
    String f = decimals(b);
    if (n > IntegerRange.LIMIT || f.length() > FRACTION_DIGITS) {
      return BasicAutomata.makeEmpty();
    }
    String zeros = "0{0," + (FRACTION_DIGITS - f.length()) + "}";
    String fraction = f.isEmpty() ? "(?:\\.0{1," + FRACTION_DIGITS + "})?" : "\\." + f + zeros;
    return integers(n, n).concatenate(EcmaRegex.whole(fraction));
  }

  /**
   * Digit strings s of at most {@code room} digits whose value 0.s is at least 0.f (f without
   * trailing zeros), as a pattern; null when there is none.
   */
  private static String fractionAtLeast(String f, int room) {
    if (f.isEmpty()) {
      return "[0-9]{0," + room + "}";
    }
    if (room == 0) {
      return null; // 0 < 0.f
    }
    List<String> options = new ArrayList<>();
    int d = f.charAt(0) - '0';
    if (d < 9) {
      options.add("[" + (d + 1) + "-9][0-9]{0," + (room - 1) + "}");
    }
    String rest = fractionAtLeast(f.substring(1), room - 1);
    if (rest != null) {
      options.add(d + "(?:" + rest + ")");
    }
    return options.isEmpty() ? null : String.join("|", options);
  }

  /**
   * Digit strings s of at most {@code room} digits whose value 0.s is at most 0.f (f without
   * trailing zeros), as a pattern (the empty string included).
   */
  private static String fractionAtMost(String f, int room) {
    if (f.isEmpty()) {
      return "0{0," + room + "}";
    }
    if (room == 0) {
      return "";
    }
    int d = f.charAt(0) - '0';
    List<String> options = new ArrayList<>();
    options.add(""); // 0 <= 0.f
    if (d > 0) {
      options.add("[0-" + (d - 1) + "][0-9]{0," + (room - 1) + "}");
    }
    options.add(d + "(?:" + fractionAtMost(f.substring(1), room - 1) + ")");
    return String.join("|", options);
  }

  /** The integer part of b >= 0, capped just beyond the digit limit. */
  private static long integerPart(BigDecimal b) {
    BigDecimal n = b.setScale(0, RoundingMode.DOWN);
    return n.min(BigDecimal.valueOf(IntegerRange.LIMIT + 1)).longValueExact();
  }

  /** The decimals of b >= 0 without trailing zeros ("" for an integer). */
  private static String decimals(BigDecimal b) {
    BigDecimal fraction = b.subtract(b.setScale(0, RoundingMode.DOWN)).stripTrailingZeros();
    if (fraction.signum() == 0) {
      return "";
    }
    if (fraction.scale() > MAX_BOUND_DECIMALS) {
      throw new IllegalArgumentException(
          "a bound on a number may have at most " + MAX_BOUND_DECIMALS + " decimals");
    }
    return fraction.toPlainString().substring(2); // "0.0625" -> "0625"
  }

  private static Automaton minus(Automaton magnitudes) {
    return BasicAutomata.makeChar('-').concatenate(magnitudes);
  }

  private static Automaton integers(long from, long to) {
    return EcmaRegex.whole(IntegerRange.nonNegative(from, to));
  }
}
