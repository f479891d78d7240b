package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.regex.TextPattern;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A constraint that holds after a tag: free (no end tokens, no token with text after the tag) until
 * the tag, then exactly the inner constraint; and on the real stories260K at temperature 1, replies
 * that are free text up to the first period and a guided answer after it.
 */
class ConstrainedAfterTagTest {

  private static final String[] PIECES = {
    "a", " b", "</", "think", ">", "</think>", "</think>{", "x>", "{", "}", ">{", "</s>"
  };
  private static final int EOS = 11;

  private static int id(String piece) {
    return List.of(PIECES).indexOf(piece);
  }

  @Test
  void freeUntilTheTagThenTheInnerConstraint() {
    OutputConstraint inner = TextPattern.regex("\\{\\}").constraint(PIECES, Set.of(EOS));
    ConstrainedAfterTag c = new ConstrainedAfterTag("</think>", PIECES, Set.of(EOS), inner);
    BitSet free = c.allowed();
    assertFalse(free.get(EOS), "no end before the tag");
    assertFalse(free.get(id("</think>{")), "text after the tag in the same token");
    assertTrue(free.get(id("</think>")) && free.get(id("a")) && free.get(id("{")));
    c.accept(id("a"));
    c.accept(id("</"));
    c.accept(id("think"));
    BitSet atTag = c.allowed();
    assertTrue(atTag.get(id(">")), "completes the tag");
    assertFalse(atTag.get(id(">{")), "completes it with text after");
    assertTrue(atTag.get(id("x>")), "no tag: free text");
    assertFalse(c.isComplete());
    c.accept(id(">"));
    assertEquals(
        TextPattern.regex("\\{\\}").constraint(PIECES, Set.of(EOS)).allowed(), c.allowed());
    c.accept(id("{"));
    c.accept(id("}"));
    assertTrue(c.isComplete());

    ConstrainedAfterTag early =
        new ConstrainedAfterTag(
            "</think>", PIECES, Set.of(EOS), TextPattern.regex("x").constraint(PIECES, Set.of()));
    assertThrows(IllegalStateException.class, () -> early.accept(EOS));
  }

  @Test
  void repliesAreFreeUpToTheTagAndGuidedAfterIt() {
    Pattern shape = Pattern.compile("[^.]*\\.( Yes| No)!");
    int longFree = 0;
    for (GenerationResult r :
        Stories260K.sample(
            "Lily was",
            8,
            SamplingParams.builder()
                .maxTokens(120)
                .textPattern(TextPattern.regex(" (Yes|No)!"))
                .constrainAfter("."))) {
      assertEquals(FinishReason.STOP, r.finishReason(), r.text());
      assertTrue(shape.matcher(r.text()).matches(), r.text());
      longFree += r.text().indexOf('.') > 10 ? 1 : 0;
    }
    assertTrue(longFree >= 4, "the free part is the model's own text");
  }
}
