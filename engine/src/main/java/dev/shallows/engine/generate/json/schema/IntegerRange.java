package dev.shallows.engine.generate.json.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON texts of the integers in a closed range, as an ECMA-262 pattern (anchored): no leading
 * zeros, no {@code -0}, at most {@value #MAX_DIGITS} digits (the recognizer's limit for any
 * number). Built by the usual split of a range into spans that share a prefix and then run over
 * whole digit positions ({@code 1[3-9]|[2-8][0-9]|9[0-4]} for 13..94).
 */
final class IntegerRange {

  static final int MAX_DIGITS = SchemaRecognizer.MAX_DIGITS;

  /** The largest magnitude written: 16 nines. */
  static final long LIMIT = 9_999_999_999_999_999L;

  private IntegerRange() {}

  /**
   * The pattern of the integers in [lo, hi], each clamped to the digit limit.
   *
   * @throws IllegalArgumentException when no integer is left
   */
  static String pattern(long lo, long hi) {
    lo = Math.max(lo, -LIMIT);
    hi = Math.min(hi, LIMIT);
    if (lo > hi) {
      throw new IllegalArgumentException("no integer lies between the bounds");
    }
    List<String> options = new ArrayList<>();
    if (hi >= 0) {
      options.add(nonNegative(Math.max(lo, 0), hi));
    }
    if (lo < 0) {
      options.add("-(?:" + nonNegative(Math.max(1, -hi), -lo) + ")");
    }
    return "^(?:" + String.join("|", options) + ")$";
  }

  /** Decimal texts of [a, b], 0 <= a <= b, as alternatives of digit classes. */
  static String nonNegative(long a, long b) {
    List<String> parts = new ArrayList<>();
    // split at the powers of ten so each part has one digit count
    for (long start = a; start <= b; ) {
      long top = maxWithDigits(digits(start));
      long end = Math.min(b, top);
      sameLength(Long.toString(start), Long.toString(end), parts);
      if (end == Long.MAX_VALUE || end == b) {
        break;
      }
      start = end + 1;
    }
    return String.join("|", parts);
  }

  /** Texts from x to y of the same length (x <= y), appended as patterns. */
  private static void sameLength(String x, String y, List<String> out) {
    int n = x.length();
    if (x.equals(y)) {
      out.add(x);
      return;
    }
    // the longest common prefix, then the first differing digit
    int p = 0;
    while (x.charAt(p) == y.charAt(p)) {
      p++;
    }
    String prefix = x.substring(0, p);
    int rest = n - p - 1; // positions after the differing one
    char dx = x.charAt(p);
    char dy = y.charAt(p);
    boolean xLow = x.substring(p + 1).chars().allMatch(c -> c == '0');
    boolean yHigh = y.substring(p + 1).chars().allMatch(c -> c == '9');
    if (xLow && yHigh) {
      out.add(prefix + cls(dx, dy) + any(rest));
      return;
    }
    char from = dx;
    if (!xLow) { // x's own digit with the tail from x up to all nines
      sameLength(x.substring(p), dx + "9".repeat(rest), prefixed(prefix, out));
      from = (char) (dx + 1);
    }
    char to = dy;
    if (!yHigh) {
      to = (char) (dy - 1);
    }
    if (from <= to) {
      out.add(prefix + cls(from, to) + any(rest));
    }
    if (!yHigh) {
      sameLength(dy + "0".repeat(rest), y.substring(p), prefixed(prefix, out));
    }
  }

  /** A list that adds {@code prefix} in front of whatever is appended to it. */
  private static List<String> prefixed(String prefix, List<String> out) {
    return new ArrayList<>() {
      @Override
      public boolean add(String s) {
        return out.add(prefix + s);
      }
    };
  }

  private static String cls(char from, char to) {
    return from == to ? String.valueOf(from) : "[" + from + "-" + to + "]";
  }

  private static String any(int n) {
    return n == 0 ? "" : n == 1 ? "[0-9]" : "[0-9]{" + n + "}";
  }

  private static int digits(long v) {
    return Long.toString(v).length();
  }

  private static long maxWithDigits(int d) {
    return d >= 19 ? Long.MAX_VALUE : (long) Math.pow(10, d) - 1;
  }
}
