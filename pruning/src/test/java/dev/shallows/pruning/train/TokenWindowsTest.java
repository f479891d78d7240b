package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.HashSet;
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
}
