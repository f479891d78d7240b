package dev.shallows.engine.generate.regex;

import java.util.ArrayList;
import java.util.List;

/** A set of UTF-16 code units as sorted, disjoint, non-adjacent ranges. */
final class CharRanges {
  private final List<char[]> ranges = new ArrayList<>(); // {lo, hi}

  static CharRanges of(char lo, char hi) {
    CharRanges s = new CharRanges();
    s.add(lo, hi);
    return s;
  }

  static CharRanges all() {
    return of('\0', Character.MAX_VALUE);
  }

  /** The one character of a one-character set, else -1. */
  int single() {
    return ranges.size() == 1 && ranges.get(0)[0] == ranges.get(0)[1] ? ranges.get(0)[0] : -1;
  }

  void add(char lo, char hi) {
    List<char[]> merged = new ArrayList<>();
    int newLo = lo;
    int newHi = hi;
    boolean placed = false;
    for (char[] r : ranges) {
      if (r[1] + 1 < newLo) {
        merged.add(r);
      } else if (newHi + 1 < r[0]) {
        if (!placed) {
          merged.add(new char[] {(char) newLo, (char) newHi});
          placed = true;
        }
        merged.add(r);
      } else {
        newLo = Math.min(newLo, r[0]);
        newHi = Math.max(newHi, r[1]);
      }
    }
    if (!placed) {
      merged.add(new char[] {(char) newLo, (char) newHi});
    }
    merged.sort((a, b) -> a[0] - b[0]);
    ranges.clear();
    ranges.addAll(merged);
  }

  void addAll(CharRanges other) {
    other.forEach(this::add);
  }

  CharRanges complement() {
    CharRanges c = new CharRanges();
    int next = 0;
    for (char[] r : ranges) {
      if (r[0] > next) {
        c.ranges.add(new char[] {(char) next, (char) (r[0] - 1)});
      }
      next = r[1] + 1;
    }
    if (next <= Character.MAX_VALUE) {
      c.ranges.add(new char[] {(char) next, Character.MAX_VALUE});
    }
    return c;
  }

  interface RangeConsumer {
    void accept(char lo, char hi);
  }

  void forEach(RangeConsumer f) {
    for (char[] r : List.copyOf(ranges)) {
      f.accept(r[0], r[1]);
    }
  }
}
