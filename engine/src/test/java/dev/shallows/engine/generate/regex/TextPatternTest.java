package dev.shallows.engine.generate.regex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.OutputConstraint;
import dev.shallows.engine.generate.Stories260K;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guided regex / choice constraints: at every prefix of matching texts, the (cached) allowed set
 * equals stepping every token's text through the automaton one by one, and the end tokens are
 * allowed exactly where {@code java.util.regex} says the prefix matches whole.
 */
class TextPatternTest {

  private static final int END = 2; // stands for EOS

  @Test
  void allowedSetsAreEveryTokenThatKeepsAMatchPossible() {
    String[] pieces = Stories260K.tokenizer().pieces();
    String regex = "(Once|One day), (a|the) [a-z]{2,12}( was [a-z ]{1,20})?\\.";
    TextPattern p = TextPattern.regex(regex);
    for (String text : List.of("Once, the dog.", "One day, a cat was very happy.")) {
      compareAlong(p, Pattern.compile(regex), text, pieces);
    }
    List<String> choices = List.of("happy", "sad", "very sad", "veryhappy");
    TextPattern c = TextPattern.choice(choices);
    Pattern asRegex = Pattern.compile("happy|sad|very sad|veryhappy");
    for (String text : choices) {
      compareAlong(c, asRegex, text, pieces);
    }
  }

  private static void compareAlong(TextPattern p, Pattern reference, String text, String[] pieces) {
    assertTrue(p.matches(text), text);
    OutputConstraint walked = p.constraint(pieces, Set.of(END));
    for (int i = 0; i <= text.length(); i++) {
      String prefix = text.substring(0, i);
      BitSet expected = new BitSet();
      for (int t = 0; t < pieces.length; t++) {
        if (t == END) {
          if (reference.matcher(prefix).matches()) {
            expected.set(t);
          }
        } else if (pieces[t] != null
            && !pieces[t].isEmpty()
            && pieces[t].indexOf('\ufffd') < 0
            && live(p, prefix + pieces[t])) {
          expected.set(t);
        }
      }
      OutputConstraint fresh = p.constraint(pieces, Set.of(END));
      feed(fresh, prefix, pieces);
      assertEquals(expected, fresh.allowed(), "after \"" + prefix + "\"");
    }
    feed(walked, text, pieces);
    assertTrue(walked.allowed().get(END));
  }

  /** Whether some text starting with {@code s} matches whole (by the automaton, char by char). */
  private static boolean live(TextPattern p, String s) {
    CharAutomaton a = automaton(p);
    int state = a.start();
    for (int i = 0; i < s.length() && state >= 0; i++) {
      state = a.step(state, 0, s.charAt(i));
    }
    return state >= 0;
  }

  private static CharAutomaton automaton(TextPattern p) {
    try {
      var f = TextPattern.class.getDeclaredField("automaton");
      f.setAccessible(true);
      return (CharAutomaton) f.get(p);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** Feeds {@code text} through one-character tokens where the vocabulary has them. */
  private static void feed(OutputConstraint c, String text, String[] pieces) {
    for (int i = 0; i < text.length(); i++) {
      String ch = text.substring(i, i + 1);
      int token = java.util.Arrays.asList(pieces).indexOf(ch);
      assertTrue(token >= 0, "no one-character token for '" + ch + "'");
      c.accept(token);
    }
  }

  @Test
  void aChoiceIsCompleteOnceNothingCanFollow() {
    String[] pieces = Stories260K.tokenizer().pieces();
    OutputConstraint c = TextPattern.choice(List.of("sad", "sadder")).constraint(pieces, Set.of());
    feed(c, "sad", pieces);
    assertFalse(c.isComplete(), "sad can still become sadder");
    feed(c, "der", pieces);
    assertTrue(c.isComplete());
  }

  @Test
  void badPatternsAndChoicesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TextPattern.regex("(?=a)"));
    assertThrows(IllegalArgumentException.class, () -> TextPattern.regex("[a"));
    assertThrows(IllegalArgumentException.class, () -> TextPattern.regex("[^\\s\\S]"));
    assertThrows(IllegalArgumentException.class, () -> TextPattern.choice(List.of()));
    assertThrows(IllegalArgumentException.class, () -> TextPattern.choice(List.of("a", "")));
  }
}
