package dev.shallows.engine.generate.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of UTF-16 characters as sorted, disjoint, inclusive ranges (a grammar's terminal: one
 * character of a literal, a class {@code [a-z]}, {@code [^"]}, or {@code .}). Surrogates are never
 * members: characters outside the BMP are not matched one at a time.
 */
final class CharSet {

  private final char[] lo;
  private final char[] hi;

  private CharSet(char[] lo, char[] hi) {
    this.lo = lo;
    this.hi = hi;
  }

  /** One character (a surrogate too: a literal spells characters beyond the BMP as pairs). */
  static CharSet of(char c) {
    return new CharSet(new char[] {c}, new char[] {c});
  }

  /** Any character ({@code .}). */
  static CharSet any() {
    return ranges(List.of(new char[] {0, Character.MAX_VALUE}), false);
  }

  /** The union of {@code ranges} ({lo, hi} pairs), or its complement when {@code negated}. */
  static CharSet ranges(List<char[]> ranges, boolean negated) {
    List<char[]> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> Character.compare(a[0], b[0]));
    List<char[]> merged = new ArrayList<>();
    for (char[] r : sorted) {
      char[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && r[0] <= last[1] + 1) {
        last[1] = (char) Math.max(last[1], r[1]);
      } else {
        merged.add(new char[] {r[0], r[1]});
      }
    }
    if (negated) {
      List<char[]> complement = new ArrayList<>();
      int from = 0;
      for (char[] r : merged) {
        if (r[0] > from) {
          complement.add(new char[] {(char) from, (char) (r[0] - 1)});
        }
        from = r[1] + 1;
      }
      if (from <= Character.MAX_VALUE) {
        complement.add(new char[] {(char) from, Character.MAX_VALUE});
      }
      merged = complement;
    }
    // take out the surrogates
    List<char[]> out = new ArrayList<>();
    for (char[] r : merged) {
      if (r[0] < Character.MIN_SURROGATE) {
        out.add(new char[] {r[0], (char) Math.min(r[1], Character.MIN_SURROGATE - 1)});
      }
      if (r[1] > Character.MAX_SURROGATE) {
        out.add(new char[] {(char) Math.max(r[0], Character.MAX_SURROGATE + 1), r[1]});
      }
    }
    char[] lo = new char[out.size()];
    char[] hi = new char[out.size()];
    for (int i = 0; i < lo.length; i++) {
      lo[i] = out.get(i)[0];
      hi[i] = out.get(i)[1];
    }
    return new CharSet(lo, hi);
  }

  boolean contains(char c) {
    int i = Arrays.binarySearch(lo, c);
    if (i >= 0) {
      return true;
    }
    int before = -i - 2; // the last range starting below c
    return before >= 0 && c <= hi[before];
  }

  boolean isEmpty() {
    return lo.length == 0;
  }
}
