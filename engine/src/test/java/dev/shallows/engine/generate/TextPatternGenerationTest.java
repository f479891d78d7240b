package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.regex.TextPattern;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Guided regex and choice on the real stories260K at temperature 1: every reply matches whole
 * ({@code java.util.regex}) and ends with {@code stop}.
 */
class TextPatternGenerationTest {

  @Test
  void everySampledReplyMatchesWhole() {
    String regex = "(Once|One day), (a|the) [a-z]{2,12} (was|had) [a-z ]{1,20}\\.";
    check(TextPattern.regex(regex), Pattern.compile(regex), 4);
    List<String> choices = List.of("happy", "sad", "very angry");
    check(TextPattern.choice(choices), Pattern.compile("happy|sad|very angry"), 1);
  }

  private static void check(TextPattern pattern, Pattern reference, int distinct) {
    Set<String> replies = new HashSet<>();
    for (GenerationResult r :
        Stories260K.sample(
            "Lily was", 8, SamplingParams.builder().maxTokens(80).textPattern(pattern))) {
      assertEquals(FinishReason.STOP, r.finishReason(), r.text());
      assertTrue(reference.matcher(r.text()).matches(), r.text());
      replies.add(r.text());
    }
    assertTrue(distinct <= replies.size(), "sampling gave few distinct replies: " + replies);
  }
}
