package dev.shallows.engine.generate.grammar;

import dev.shallows.engine.generate.CompiledCache;
import dev.shallows.engine.generate.GuidedText;
import dev.shallows.engine.generate.OutputConstraint;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A guided output given as a GBNF grammar (llama.cpp's {@code grammar}, vLLM's {@code
 * structured_outputs.grammar}): the whole reply must be one text the grammar derives from {@code
 * root}. Recognized as llama.cpp does, with a set of parse stacks advanced one character at a time;
 * left recursion is refused (it would expand forever). Compiled grammars are kept by their text, so
 * the requests that send the same one share it and its allowed-token sets per state and vocabulary:
 * at most {@value #MAX_GRAMMARS} grammars of {@value #MAX_CACHED_STATES} sets each.
 */
public final class Grammar implements GuidedText {

  static final int MAX_GRAMMARS = 32;

  static final int MAX_CACHED_STATES = 512;

  /** Longest grammar text taken. */
  public static final int MAX_CHARS = 100_000;

  private static final CompiledCache<Grammar> COMPILED = new CompiledCache<>(MAX_GRAMMARS);

  private final Rules rules;
  private final GrammarState start;
  private final Map<String[], Map<GrammarState, BitSet>> allowed = new WeakHashMap<>();

  private Grammar(Rules rules) {
    this.rules = rules;
    this.start = GrammarState.start(rules);
  }

  /**
   * Compiles GBNF text.
   *
   * @throws IllegalArgumentException for a syntax error (with its line and column), an undefined or
   *     missing root rule, a rule used but not defined, or left recursion
   */
  public static Grammar gbnf(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("a grammar may hold at most " + MAX_CHARS + " characters");
    }
    return COMPILED.get(
        text,
        () -> {
          Rules rules = GbnfParser.parse(text);
          LeftRecursion.check(rules);
          return new Grammar(rules);
        });
  }

  @Override
  public boolean matches(String text) {
    GrammarState s = start;
    for (int i = 0; i < text.length() && s != null; i++) {
      s = s.step(text.charAt(i));
    }
    return s != null && s.accepts();
  }

  /** Whether some continuation of {@code text} is a whole text of the grammar. */
  public boolean matchesPrefix(String text) {
    GrammarState s = start;
    for (int i = 0; i < text.length() && s != null; i++) {
      s = s.step(text.charAt(i));
    }
    return s != null;
  }

  @Override
  public OutputConstraint constraint(String[] pieces, Set<Integer> ends) {
    Map<GrammarState, BitSet> cache;
    synchronized (allowed) {
      cache = allowed.computeIfAbsent(pieces, p -> new ConcurrentHashMap<>());
    }
    return new GrammarConstraint(start, pieces, ends, cache);
  }

  /** The names of the grammar's rules, generated ones included (for tests and messages). */
  List<String> ruleNames() {
    return new ArrayList<>(rules.names());
  }
}
