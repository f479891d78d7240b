package dev.shallows.engine.generate.grammar;

import java.util.List;

/**
 * A grammar as flat code, the layout llama.cpp's grammar engine uses: each alternative of each rule
 * is a run of elements in {@link #code} ended by {@link #END}. An element {@code e >= 0} is the
 * terminal {@code sets[e]} (one character), {@code e <= REF_BASE} a reference to rule {@code
 * REF_BASE - e}. {@link #alternatives}{@code [r]} holds where rule r's alternatives start.
 */
record Rules(int[] code, CharSet[] sets, int[][] alternatives, List<String> names, int root) {

  static final int END = -1;
  static final int REF_BASE = -2;

  static boolean isRef(int element) {
    return element <= REF_BASE;
  }

  static int ref(int rule) {
    return REF_BASE - rule;
  }

  static int rule(int element) {
    return REF_BASE - element;
  }
}
