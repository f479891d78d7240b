package dev.shallows.engine.generate.regex;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Subset construction that gives up past a number of states. A regular expression from a request
 * can need exponentially many ({@code (a|b)*a(a|b){20}} has a million); dk.brics's own
 * determinization has no bound, and one such pattern would hold a thread and memory for minutes.
 */
final class BoundedDeterminizer {

  private BoundedDeterminizer() {}

  /**
   * A deterministic automaton of the same strings.
   *
   * @throws IllegalArgumentException past {@code maxStates} states
   */
  static Automaton determinize(Automaton nfa, int maxStates) {
    if (nfa.isDeterministic()) {
      return nfa;
    }
    List<State> states = new ArrayList<>(nfa.getStates());
    Map<State, Integer> index = new HashMap<>();
    for (State s : states) {
      index.put(s, index.size());
    }
    TreeSet<Character> cuts = new TreeSet<>();
    cuts.add('\0');
    for (State s : states) {
      for (Transition t : s.getTransitions()) {
        cuts.add(t.getMin());
        if (t.getMax() < Character.MAX_VALUE) {
          cuts.add((char) (t.getMax() + 1));
        }
      }
    }
    char[] points = new char[cuts.size()];
    int p = 0;
    for (char c : cuts) {
      points[p++] = c;
    }
    Map<BitSet, State> built = new HashMap<>();
    ArrayDeque<BitSet> pending = new ArrayDeque<>();
    BitSet start = new BitSet();
    start.set(index.get(nfa.getInitialState()));
    built.put(start, new State());
    pending.add(start);
    while (!pending.isEmpty()) {
      BitSet set = pending.poll();
      State from = built.get(set);
      for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
        if (states.get(i).isAccept()) {
          from.setAccept(true);
        }
      }
      for (int k = 0; k < points.length; k++) {
        char lo = points[k];
        char hi = k + 1 < points.length ? (char) (points[k + 1] - 1) : Character.MAX_VALUE;
        BitSet to = new BitSet();
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
          for (Transition t : states.get(i).getTransitions()) {
            if (t.getMin() <= lo && lo <= t.getMax()) {
              to.set(index.get(t.getDest()));
            }
          }
        }
        if (to.isEmpty()) {
          continue;
        }
        State dest = built.get(to);
        if (dest == null) {
          if (built.size() >= maxStates) {
            throw new IllegalArgumentException(
                "the pattern needs over " + maxStates + " automaton states");
          }
          dest = new State();
          built.put(to, dest);
          pending.add(to);
        }
        from.addTransition(new Transition(lo, hi, dest));
      }
    }
    Automaton dfa = new Automaton();
    dfa.setInitialState(built.get(start));
    dfa.setDeterministic(true);
    dfa.reduce();
    return dfa;
  }
}
