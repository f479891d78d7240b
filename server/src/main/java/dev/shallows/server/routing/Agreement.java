package dev.shallows.server.routing;

import java.util.HashMap;
import java.util.Map;

/** How similar a shadow variant's answer is to the primary's. */
public final class Agreement {

  private Agreement() {}

  /** 1 when the two token sequences are identical, else 0. */
  public static double exactMatch(int[] a, int[] b) {
    return java.util.Arrays.equals(a, b) ? 1 : 0;
  }

  /**
   * Token overlap: the multiset intersection over the larger multiset size (1 = the same tokens, 0
   * = none in common; two empty outputs agree fully).
   */
  public static double tokenOverlap(int[] a, int[] b) {
    if (a.length == 0 && b.length == 0) {
      return 1;
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (int t : a) {
      counts.merge(t, 1, Integer::sum);
    }
    int common = 0;
    for (int t : b) {
      Integer c = counts.get(t);
      if (c != null && c > 0) {
        common++;
        counts.put(t, c - 1);
      }
    }
    return (double) common / Math.max(a.length, b.length);
  }
}
