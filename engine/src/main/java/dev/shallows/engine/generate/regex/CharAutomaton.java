package dev.shallows.engine.generate.regex;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.RunAutomaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts a value may take, as a deterministic automaton over its (decoded) characters plus the
 * length so far (capped where it stops mattering), with a table of which (state, length) pairs can
 * still finish the text within the length bounds, so the decoder never enters a value it cannot
 * finish: a JSON string under {@code pattern}, {@code format} and its lengths, a bounded or stepped
 * number, a guided reply. Characters outside the Basic Multilingual Plane (surrogates) are left
 * out: then a length in code units is a length in code points, as JSON Schema counts.
 */
public final class CharAutomaton {

  /** Automaton states at most. */
  static final int MAX_STATES = 20_000;

  /** (state, length) cells of the table at most: about 1 ms of work per 100,000. */
  static final long MAX_CELLS = 4_000_000;

  private final RunAutomaton dfa;
  private final int[][] next; // [state][char class]: the next state, -1 none
  private final int minLength;
  private final int maxLength;
  private final int cap; // lengths are tracked up to this
  private final boolean[][] finishable; // [length][state]

  private CharAutomaton(RunAutomaton dfa, int minLength, int maxLength) {
    this.dfa = dfa;
    this.minLength = minLength;
    this.maxLength = maxLength;
    this.cap = maxLength == Integer.MAX_VALUE ? minLength : maxLength;
    char[] points = dfa.getCharIntervals();
    next = new int[dfa.getSize()][points.length];
    for (int s = 0; s < next.length; s++) {
      for (int k = 0; k < points.length; k++) {
        next[s][k] = dfa.step(s, points[k]);
      }
    }
    finishable = finishable();
  }

  /**
   * The texts both automata accept (a null one accepts everything) within the length bounds.
   *
   * @param texts the texts of a pattern, a range, a guided regex..., or null
   * @param also texts they must also be (a format, a multipleOf), or null
   * @throws IllegalArgumentException when no text satisfies them all, or they are too large
   */
  public static CharAutomaton of(Automaton texts, Automaton also, int minLength, int maxLength) {
    Automaton a = bmp();
    if (texts != null) {
      a = a.intersection(texts);
    }
    if (also != null) {
      a = a.intersection(also);
    }
    a.minimize();
    if (a.getNumberOfStates() > MAX_STATES) {
      throw new IllegalArgumentException(
          "the string's automaton has over " + MAX_STATES + " states");
    }
    int cap = maxLength == Integer.MAX_VALUE ? minLength : maxLength;
    if ((long) a.getNumberOfStates() * (cap + 1) > MAX_CELLS) {
      throw new IllegalArgumentException(
          "the pattern's automaton ("
              + a.getNumberOfStates()
              + " states) is too large for a length bound of "
              + cap);
    }
    CharAutomaton p = new CharAutomaton(new RunAutomaton(a), minLength, maxLength);
    if (!p.finishable[0][p.start()]) {
      throw new IllegalArgumentException(
          "no value satisfies the pattern, format, bounds, multipleOf and lengths together");
    }
    return p;
  }

  /**
   * Every string of BMP characters that are not surrogates: one accepting state, deterministic, so
   * that intersecting with it keeps an automaton deterministic.
   */
  private static Automaton bmp() {
    State s = new State();
    s.setAccept(true);
    s.addTransition(new Transition('\0', '\ud7ff', s));
    s.addTransition(new Transition('\ue000', '\uffff', s));
    Automaton a = new Automaton();
    a.setInitialState(s);
    a.setDeterministic(true);
    return a;
  }

  /**
   * Which states can still finish at each tracked length. At the cap with no maximum, lengths no
   * longer matter: the states from which an accepting one is reachable. Below it, a state can
   * finish if it accepts at a long enough length or one character leads to a state that can.
   */
  private boolean[][] finishable() {
    int n = next.length;
    boolean[][] f = new boolean[cap + 1][n];
    if (maxLength == Integer.MAX_VALUE) {
      f[cap] = reachesAccept();
    } else {
      for (int s = 0; s < n; s++) {
        f[cap][s] = dfa.isAccept(s) && cap >= minLength;
      }
    }
    for (int length = cap - 1; length >= 0; length--) {
      for (int s = 0; s < n; s++) {
        boolean ok = dfa.isAccept(s) && length >= minLength;
        for (int k = 0; !ok && k < next[s].length; k++) {
          ok = next[s][k] >= 0 && f[length + 1][next[s][k]];
        }
        f[length][s] = ok;
      }
    }
    return f;
  }

  private boolean[] reachesAccept() {
    int n = next.length;
    List<List<Integer>> into = new ArrayList<>(n);
    for (int s = 0; s < n; s++) {
      into.add(new ArrayList<>());
    }
    for (int s = 0; s < n; s++) {
      for (int t : next[s]) {
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
  public int start() {
    return dfa.getInitialState();
  }

  /** The length to record after one more character. */
  public int grown(int length) {
    return Math.min(length + 1, cap);
  }

  /**
   * The state after one more character at {@code length} characters so far; -1 when the string
   * could no longer be finished.
   */
  public int step(int state, int length, char c) {
    int t = dfa.step(state, c);
    return t >= 0 && length < maxLength && finishable[grown(length)][t] ? t : -1;
  }

  /** Whether the string may end in this state at this length. */
  public boolean accepts(int state, int length) {
    return dfa.isAccept(state) && length >= minLength;
  }

  /** Whether some character in [lo, hi] continues the string from this state and length. */
  public boolean anyIn(int state, int length, int lo, int hi) {
    char[] points = dfa.getCharIntervals(); // each interval starts at a point, ends before the next
    for (int k = 0; k < points.length; k++) {
      int from = points[k];
      int to = k + 1 < points.length ? points[k + 1] - 1 : Character.MAX_VALUE;
      if (to >= lo && from <= hi && step(state, length, (char) Math.max(from, lo)) >= 0) {
        return true;
      }
    }
    return false;
  }
}
