package dev.shallows.engine.generate.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.RunAutomaton;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ECMA-262 translation against {@code java.util.regex}, whose syntax and semantics agree with
 * ECMA-262 on these patterns and strings: {@link EcmaRegex#search} against {@code find()}, {@link
 * EcmaRegex#whole} against {@code matches()}.
 */
class EcmaRegexTest {

  /** Patterns whose Java and ECMA-262 meanings agree on {@link #CHARS}. */
  private static final List<String> PATTERNS =
      List.of(
          "^a+b?$",
          "ab",
          "^(ab|c)*$",
          "^[a-c]{2,3}$",
          "^[^a]*$",
          "x|^y",
          "^\\d{3}-\\d{2}$",
          "^\\w+$",
          "\\W",
          "^(?:a|bc){2}x?$",
          "^[a\\-z]+$",
          "^.{0,2}$",
          "^(?<n>a)b*$",
          "^\\s*a\\s*$",
          "^a{2,}$",
          "^[\\d.]+$",
          "c$",
          "^\\u00e9+$",
          "^a*?b+?$",
          "\\.",
          "^x{2}?$");

  /** Characters random subjects are made of (no line terminators: Java's $ differs there). */
  private static final String CHARS = "abcxyz019-. _\t\u00e9{},";

  @Test
  void patternsMatchWhatJavaRegexFinds() {
    Random rnd = new Random(5);
    for (String p : PATTERNS) {
      Automaton automaton = EcmaRegex.search(p);
      RunAutomaton ours = new RunAutomaton(automaton);
      RunAutomaton whole = new RunAutomaton(EcmaRegex.whole(p));
      Pattern reference = Pattern.compile(p);
      String example = automaton.getShortestExample(true);
      assertTrue(reference.matcher(example).find(), p + " does not find \"" + example + "\"");
      int matched = 0;
      for (int i = 0; i < 3000; i++) {
        String s = randomString(rnd, rnd.nextInt(7));
        boolean expected = reference.matcher(s).find();
        assertEquals(expected, ours.run(s), "pattern " + p + " on \"" + s + "\"");
        assertEquals(
            reference.matcher(s).matches(), whole.run(s), "whole " + p + " on \"" + s + "\"");
        matched += expected ? 1 : 0;
      }
      assertTrue(matched < 3000, "every random subject matched " + p);
    }
  }

  /**
   * Patterns whose automata would grow without bound (nested counts multiply; the subsets of
   * (a|b)*a(a|b){20} number a million) are refused instead of holding the thread: each of these
   * took minutes, or ran out of memory, before the bounds.
   */
  @Test
  void patternsThatWouldExplodeAreRefused() {
    for (String p : List.of("((a{50}){50}){50}", "(a{256}){256}", "(a|b)*a(a|b){20}", ".*a.{30}")) {
      IllegalArgumentException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> EcmaRegex.whole(p), p);
      assertTrue(e.getMessage().contains("states"), e.getMessage());
    }
    assertTrue(new RunAutomaton(EcmaRegex.whole("(a|b)*a(a|b){8}")).run("ab" + "a".repeat(9)));
  }

  private static String randomString(Random rnd, int length) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
    }
    return b.toString();
  }
}
