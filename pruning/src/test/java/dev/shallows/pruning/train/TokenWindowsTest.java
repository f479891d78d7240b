package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.shallows.pruning.data.TrainingText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Windowing, epoch coverage and seeded order of the training data. */
class TokenWindowsTest {

  @Test
  void eachEpochVisitsEveryWindowOnceInASeededOrder() {
    int[] tokens = new int[103]; // 10 windows of T+1 = 10, 3 tokens left over
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i;
    }
    TokenWindows w = new TokenWindows(tokens, 9, 42);
    assertEquals(10, w.size());
    Set<Integer> starts = new HashSet<>();
    for (int step = 0; step < 5; step++) { // 5 steps x 2 = one epoch
      for (int[] seq : w.batch(step, 2)) {
        assertEquals(10, seq.length);
        assertEquals(0, seq[0] % 10); // windows are aligned, non-overlapping
        for (int j = 1; j < 10; j++) {
          assertEquals(seq[0] + j, seq[j]);
        }
        starts.add(seq[0]);
      }
    }
    assertEquals(10, starts.size());
    // the batch of a step depends only on (seed, step): a fresh object agrees
    TokenWindows again = new TokenWindows(tokens, 9, 42);
    assertArrayEquals(w.batch(7, 2)[1], again.batch(7, 2)[1]);
    assertArrayEquals(w.batch(3, 2)[0], again.batch(3, 2)[0]);
    // another seed gives another order
    TokenWindows other = new TokenWindows(tokens, 9, 43);
    int[][] a = new int[5][];
    int[][] b = new int[5][];
    for (int s = 0; s < 5; s++) {
      a[s] = w.batch(s, 2)[0];
      b[s] = other.batch(s, 2)[0];
    }
    assertNotEquals(Arrays.deepToString(a), Arrays.deepToString(b));
  }

  /** One token per character: 'a' = 0, 'b' = 1, ... (no BOS). */
  static int[] letters(String text) {
    return text.chars().map(c -> c - 'a').toArray();
  }

  @Test
  void onlyCompletionTokensAreScoredTargets() {
    List<TrainingText> docs =
        List.of(
            new TrainingText("ghg", "ab"), TrainingText.plain("cd"), new TrainingText("e", "f"));
    // stream: g h g a b c d e f | g h g ... ; windows of T+1 = 9 tokens hold exactly the 3 docs
    List<TrainingText> twice = new ArrayList<>(docs);
    twice.addAll(docs);
    TokenWindows w = TokenWindows.encode(twice, TokenWindowsTest::letters, 8, 0, 1);
    assertEquals(2, w.size());
    for (int step = 0; step < 2; step++) {
      int[] seq = w.batch(step, 1)[0];
      boolean[] scored = w.scoredTargets(step, 1)[0];
      assertArrayEquals(letters("ghgabcdef"), seq);
      // targets h g a b c d e f: the prompts' h, g and e are not scored
      assertArrayEquals(new boolean[] {false, false, true, true, true, true, false, true}, scored);
    }
    assertNull(
        TokenWindows.encode(
                List.of(TrainingText.plain("abcdefghij")), TokenWindowsTest::letters, 8, 0, 1)
            .scoredTargets(0, 1),
        "plain text scores every target");
  }

  @Test
  void aTokenMergedAcrossTheSeamBelongsToTheCompletion() {
    assertEquals(3, TokenWindows.completionStart(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3}));
    assertEquals(2, TokenWindows.completionStart(new int[] {1, 2, 9}, new int[] {1, 2, 3}));
    assertEquals(0, TokenWindows.completionStart(new int[] {9}, new int[] {5}));
  }
}
