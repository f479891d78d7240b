package dev.shallows.engine.generate.regex;

import dev.shallows.engine.generate.CompiledCache;
import dev.shallows.engine.generate.GuidedText;
import dev.shallows.engine.generate.OutputConstraint;
import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A guided output (vLLM's {@code structured_outputs} {@code regex} and {@code choice}): the whole
 * reply must be one text of a regular language. Compiled patterns are kept by their source, so the
 * requests that send the same one share it and its allowed-token sets per automaton state and
 * vocabulary: at most {@value #MAX_PATTERNS} patterns of {@value #MAX_CACHED_STATES} sets each.
 */
public final class TextPattern implements GuidedText {

  static final int MAX_PATTERNS = 32;

  static final int MAX_CACHED_STATES = 512;

  private static final CompiledCache<TextPattern> COMPILED = new CompiledCache<>(MAX_PATTERNS);

  private final CharAutomaton automaton;
  private final Map<String[], Map<Integer, BitSet>> allowed = new WeakHashMap<>();

  private TextPattern(Automaton texts) {
    this.automaton = CharAutomaton.of(texts, null, 0, Integer.MAX_VALUE);
  }

  /**
   * The texts an ECMA-262 regular expression matches whole.
   *
   * @throws IllegalArgumentException for a syntax error, what is not regular or supported, or a
   *     pattern no text matches
   */
  public static TextPattern regex(String regex) {
    return cached("regex:" + regex, () -> EcmaRegex.whole(regex));
  }

  /**
   * Exactly one of {@code choices} (non-empty strings).
   *
   * @throws IllegalArgumentException for no choices or an empty one
   */
  public static TextPattern choice(List<String> choices) {
    if (choices.isEmpty()) {
      throw new IllegalArgumentException("give at least one choice");
    }
    List<Automaton> each = new ArrayList<>();
    long chars = 0;
    for (String c : choices) {
      if (c == null || c.isEmpty()) {
        throw new IllegalArgumentException("a choice must be a non-empty string");
      }
      chars += c.length();
      each.add(BasicAutomata.makeString(c));
    }
    if (chars > EcmaRegex.MAX_STATES) {
      throw new IllegalArgumentException(
          "the choices hold over " + EcmaRegex.MAX_STATES + " characters together");
    }
    return cached("choice:" + String.join("\u0000", choices), () -> Automaton.union(each));
  }

  private static TextPattern cached(String key, java.util.function.Supplier<Automaton> texts) {
    return COMPILED.get(key, () -> new TextPattern(texts.get()));
  }

  /** Whether {@code text} is a whole match. */
  @Override
  public boolean matches(String text) {
    int s = automaton.start();
    for (int i = 0; i < text.length() && s >= 0; i++) {
      s = automaton.step(s, 0, text.charAt(i));
    }
    return s >= 0 && automaton.accepts(s, 0);
  }

  /**
   * A constraint for one generation over a vocabulary ({@code pieces[id]}: token id's text); the
   * {@code ends} (EOS, stop token ids) are allowed where the output is a whole match.
   */
  @Override
  public OutputConstraint constraint(String[] pieces, Set<Integer> ends) {
    Map<Integer, BitSet> cache;
    synchronized (allowed) {
      cache = allowed.computeIfAbsent(pieces, p -> new ConcurrentHashMap<>());
    }
    return new TextPatternConstraint(automaton, pieces, ends, cache);
  }
}
