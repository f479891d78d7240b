package dev.shallows.engine.generate.grammar;

import java.util.HashSet;
import java.util.Set;

/**
 * The recognizer's state after some text: every parse of it that can still go on (llama.cpp's set
 * of stacks). Immutable; {@link #step} gives the state after one more character, or null when no
 * parse takes it. Equal states (the same set of parses) share cached allowed-token sets.
 */
final class GrammarState {

  /** Most parses held at once; an ambiguous grammar that needs more fails the generation. */
  static final int MAX_PARSES = 4096;

  private final Rules rules;
  private final Set<Stack> parses;

  private GrammarState(Rules rules, Set<Stack> parses) {
    this.rules = rules;
    this.parses = parses;
  }

  /** The state before any text: the root's alternatives, expanded. */
  static GrammarState start(Rules rules) {
    Set<Stack> out = new HashSet<>();
    for (int a : rules.alternatives()[rules.root()]) {
      expand(rules, new Stack(a, null), out);
    }
    return new GrammarState(rules, out);
  }

  /** The state after {@code c}, or null when no parse can take it. */
  GrammarState step(char c) {
    Set<Stack> out = new HashSet<>();
    for (Stack s : parses) {
      if (s != Stack.ACCEPT && rules.sets()[rules.code()[s.pos]].contains(c)) {
        expand(rules, new Stack(s.pos + 1, s.below), out);
      }
    }
    return out.isEmpty() ? null : new GrammarState(rules, out);
  }

  /** Whether the text so far is a whole text of the grammar. */
  boolean accepts() {
    return parses.contains(Stack.ACCEPT);
  }

  /** Whether the text so far is whole and nothing may follow it. */
  boolean isFinal() {
    return parses.size() == 1 && accepts();
  }

  /**
   * Adds the parses {@code s} stands for once its top points at a terminal: a rule reference is
   * replaced by its alternatives (with the rest of its sequence below them, or nothing when the
   * reference ends the sequence: right recursion stays flat), an ended alternative returns to the
   * rule below.
   */
  private static void expand(Rules rules, Stack s, Set<Stack> out) {
    int e = rules.code()[s.pos];
    if (e >= 0) {
      out.add(s);
    } else if (e == Rules.END) {
      if (s.below == null) {
        out.add(Stack.ACCEPT);
      } else {
        expand(rules, s.below, out);
      }
    } else {
      Stack rest = rules.code()[s.pos + 1] == Rules.END ? s.below : new Stack(s.pos + 1, s.below);
      for (int a : rules.alternatives()[Rules.rule(e)]) {
        if (rules.code()[a] == Rules.END && rest == null) {
          out.add(Stack.ACCEPT);
        } else {
          expand(rules, rules.code()[a] == Rules.END ? rest : new Stack(a, rest), out);
        }
      }
    }
    if (out.size() > MAX_PARSES) {
      throw new IllegalStateException(
          "the grammar is too ambiguous here: over " + MAX_PARSES + " parses at once");
    }
  }

  @Override
  public int hashCode() {
    return parses.hashCode();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GrammarState g && g.rules == rules && g.parses.equals(parses);
  }
}
