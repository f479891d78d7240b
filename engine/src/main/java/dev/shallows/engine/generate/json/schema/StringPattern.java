package dev.shallows.engine.generate.json.schema;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import dk.brics.automaton.RunAutomaton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The values a string may take under {@code pattern}, {@code format} and the length bounds, as one
 * deterministic automaton over the string's decoded characters. Its states that cannot reach an
 * accepting one are cut off, so every live state can still finish the string. Characters outside
 * the Basic Multilingual Plane (surrogates) are left out: then a length in code units is a length
 * in code points, as JSON Schema counts.
 */
final class StringPattern {

  /** States at most: beyond it a pattern (usually with a large maxLength) is refused. */
  static final int MAX_STATES = 20_000;

  private final RunAutomaton dfa;
  private final boolean[] live;

  private StringPattern(RunAutomaton dfa) {
    this.dfa = dfa;
    this.live = liveStates(dfa);
  }

  /**
   * Compiles the constraints of one string schema.
   *
   * @param pattern the strings of a pattern ({@link EcmaRegex#matching}), or null
   * @param format the strings of a format ({@link StringFormats#of}), or null
   * @throws IllegalArgumentException when no string satisfies them all, or they are too large
   */
  static StringPattern of(Automaton pattern, Automaton format, int minLength, int maxLength) {
    Automaton a = bmp();
    if (pattern != null) {
      a = a.intersection(pattern);
    }
    if (format != null) {
      a = a.intersection(format);
    }
    if (minLength > 0 || maxLength != Integer.MAX_VALUE) {
      if (maxLength != Integer.MAX_VALUE && maxLength > MAX_STATES) {
        throw new IllegalArgumentException(
            "maxLength beside a pattern or format is limited to " + MAX_STATES);
      }
      Automaton any = BasicAutomata.makeAnyChar();
      Automaton lengths =
          maxLength == Integer.MAX_VALUE ? any.repeat(minLength) : any.repeat(minLength, maxLength);
      a = a.intersection(lengths);
    }
    a.minimize();
    if (a.getNumberOfStates() > MAX_STATES) {
      throw new IllegalArgumentException(
          "the string's automaton has over " + MAX_STATES + " states");
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("no string satisfies the pattern, format and lengths");
    }
    return new StringPattern(new RunAutomaton(a));
  }

  /** Every string of BMP characters that are not surrogates. */
  private static Automaton bmp() {
    return BasicAutomata.makeCharRange('\0', '\ud7ff')
        .union(BasicAutomata.makeCharRange('\ue000', '\uffff'))
        .repeat();
  }

  private static boolean[] liveStates(RunAutomaton dfa) {
    int n = dfa.getSize();
    char[] points = dfa.getCharIntervals();
    List<List<Integer>> into = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      into.add(new ArrayList<>());
    }
    for (int s = 0; s < n; s++) {
      for (char c : points) {
        int t = dfa.step(s, c);
        if (t >= 0) {
          into.get(t).add(s);
        }
      }
    }
    boolean[] live = new boolean[n];
    ArrayDeque<Integer> pending = new ArrayDeque<>();
    for (int s = 0; s < n; s++) {
      if (dfa.isAccept(s)) {
        live[s] = true;
        pending.add(s);
      }
    }
    while (!pending.isEmpty()) {
      for (int s : into.get(pending.pop())) {
        if (!live[s]) {
          live[s] = true;
          pending.add(s);
        }
      }
    }
    return live;
  }

  /** The state before the string's first character. */
  int start() {
    return dfa.getInitialState();
  }

  /** The state after one more character; -1 when the string can no longer be finished. */
  int step(int state, char c) {
    int next = dfa.step(state, c);
    return next >= 0 && live[next] ? next : -1;
  }

  /** Whether the string may end in this state. */
  boolean accepts(int state) {
    return dfa.isAccept(state);
  }

  /** Whether some character in [lo, hi] continues the string from this state. */
  boolean anyIn(int state, int lo, int hi) {
    char[] points = dfa.getCharIntervals(); // each interval starts at a point, ends before the next
    for (int k = 0; k < points.length; k++) {
      int from = points[k];
      int to = k + 1 < points.length ? points[k + 1] - 1 : Character.MAX_VALUE;
      if (to >= lo && from <= hi && step(state, (char) Math.max(from, lo)) >= 0) {
        return true;
      }
    }
    return false;
  }
}
