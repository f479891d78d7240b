package dev.shallows.engine.generate.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * Refuses left recursion: a rule that can reach itself again without reading a character (through
 * rules that can match the empty text), where the recognizer would expand forever. {@code expr ::=
 * expr "+" term} is the usual case, {@code ("a"?)*} a hidden one.
 */
final class LeftRecursion {

  private LeftRecursion() {}

  static void check(Rules rules) {
    int n = rules.alternatives().length;
    boolean[] nullable = nullable(rules);
    // edges[r]: the rules r can expand into before reading anything
    List<List<Integer>> edges = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      List<Integer> first = new ArrayList<>();
      for (int a : rules.alternatives()[r]) {
        for (int p = a; rules.code()[p] != Rules.END; p++) {
          int e = rules.code()[p];
          if (e >= 0) {
            break;
          }
          first.add(Rules.rule(e));
          if (!nullable[Rules.rule(e)]) {
            break;
          }
        }
      }
      edges.add(first);
    }
    int[] mark = new int[n]; // 0 new, 1 on the path, 2 done
    for (int r = 0; r < n; r++) {
      List<Integer> path = new ArrayList<>();
      if (mark[r] == 0 && cycle(r, edges, mark, path)) {
        List<String> names = new ArrayList<>();
        path.forEach(i -> names.add(rules.names().get(i)));
        throw new IllegalArgumentException(
            "left recursion: the rule '"
                + names.get(0)
                + "' can expand into itself before reading a character (through "
                + String.join(" -> ", names)
                + "); rewrite it right-recursive or as a repetition");
      }
    }
  }

  private static boolean cycle(int r, List<List<Integer>> edges, int[] mark, List<Integer> path) {
    mark[r] = 1;
    path.add(r);
    for (int next : edges.get(r)) {
      if (mark[next] == 1) {
        path.subList(0, path.indexOf(next)).clear();
        path.add(next);
        return true;
      }
      if (mark[next] == 0 && cycle(next, edges, mark, path)) {
        return true;
      }
    }
    mark[r] = 2;
    path.remove(path.size() - 1);
    return false;
  }

  /** Which rules can match the empty text (a fixpoint over the alternatives). */
  private static boolean[] nullable(Rules rules) {
    int n = rules.alternatives().length;
    boolean[] nullable = new boolean[n];
    for (boolean changed = true; changed; ) {
      changed = false;
      for (int r = 0; r < n; r++) {
        if (nullable[r]) {
          continue;
        }
        for (int a : rules.alternatives()[r]) {
          boolean all = true;
          for (int p = a; rules.code()[p] != Rules.END && all; p++) {
            int e = rules.code()[p];
            all = e < 0 && nullable[Rules.rule(e)];
          }
          if (all) {
            nullable[r] = true;
            changed = true;
            break;
          }
        }
      }
    }
    return nullable;
  }
}
