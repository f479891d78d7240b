package dev.shallows.engine.generate;

import java.util.Set;

/**
 * Guided decoding (vLLM's {@code structured_outputs}): the whole reply must be one text of a
 * language, given as a regular expression, a list of choices or a grammar.
 */
public interface GuidedText {

  /** Whether {@code text} is a whole text of the language. */
  boolean matches(String text);

  /**
   * A constraint for one generation over a vocabulary ({@code pieces[id]}: token id's text); the
   * {@code ends} (EOS, stop token ids) are allowed where the output is a whole text.
   */
  OutputConstraint constraint(String[] pieces, Set<Integer> ends);
}
