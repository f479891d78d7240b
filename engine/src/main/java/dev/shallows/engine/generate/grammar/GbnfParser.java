package dev.shallows.engine.generate.grammar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses GBNF, llama.cpp's grammar format (also what vLLM's {@code grammar} takes through
 * xgrammar): rules {@code name ::= alternatives}, the start rule {@code root}; literals {@code
 * "..."}, classes {@code [a-z0-9_]} / {@code [^"\\]}, {@code .}, rule names, groups {@code ( )},
 * {@code |}, repetitions {@code * + ? {m} {m,} {m,n}}, comments {@code #}. Escapes: {@code \n \r \t
 * \\ \" \[ \] \- \xHH \\uHHHH \UHHHHHHHH}. A rule may span lines inside parentheses or after a
 * {@code |}, and a line starting with {@code |} continues the rule above. Repetitions, groups and
 * optional parts become generated rules, as llama.cpp writes them.
 */
final class GbnfParser {

  /** Most copies a bounded repetition may make ({@code x{m,n}}: n). */
  static final int MAX_REPEAT = 1000;

  private final String src;
  private int pos;
  private final Map<String, Integer> ids = new HashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<List<List<Integer>>> rules = new ArrayList<>(); // null until defined
  private final List<CharSet> sets = new ArrayList<>();

  private GbnfParser(String src) {
    this.src = src;
  }

  /** The grammar's rules, every reference defined; a syntax error says where. */
  static Rules parse(String gbnf) {
    GbnfParser p = new GbnfParser(gbnf);
    p.grammar();
    return p.flatten();
  }

  private void grammar() {
    skip(true);
    while (pos < src.length()) {
      int at = pos;
      String name = name();
      skip(false);
      if (!src.startsWith("::=", pos)) {
        throw error("expected '::=' after the rule name '" + name + "'");
      }
      pos += 3;
      skip(true);
      int id = id(name);
      if (rules.get(id) != null) {
        pos = at;
        throw error("the rule '" + name + "' is defined twice");
      }
      rules.set(id, alternatives(name, false));
      skip(true);
    }
    if (!ids.containsKey("root")) {
      throw new IllegalArgumentException("the grammar has no 'root' rule");
    }
    for (int i = 0; i < names.size(); i++) {
      if (rules.get(i) == null) {
        throw new IllegalArgumentException(
            "the rule '" + names.get(i) + "' is used but not defined");
      }
    }
  }

  private List<List<Integer>> alternatives(String rule, boolean nested) {
    List<List<Integer>> alts = new ArrayList<>();
    alts.add(sequence(rule, nested));
    while (true) {
      int save = pos;
      skip(true);
      if (pos < src.length() && src.charAt(pos) == '|') {
        pos++;
        skip(true);
        alts.add(sequence(rule, nested));
      } else {
        pos = nested ? pos : save;
        return alts;
      }
    }
  }

  private List<Integer> sequence(String rule, boolean nested) {
    List<Integer> out = new ArrayList<>();
    int lastStart = -1;
    while (true) {
      skip(nested);
      if (pos >= src.length()) {
        return out;
      }
      char c = src.charAt(pos);
      int start = out.size();
      if (c == '"') {
        pos++;
        while (pos < src.length() && src.charAt(pos) != '"') {
          out.add(set(CharSet.of(literalChar())));
        }
        expect('"', "an unterminated literal");
        if (out.size() == start) {
          continue; // "" matches the empty text: nothing to add
        }
      } else if (c == '[') {
        out.add(set(charClass()));
      } else if (c == '.') {
        pos++;
        out.add(set(CharSet.any()));
      } else if (c == '(') {
        pos++;
        skip(true);
        List<List<Integer>> group = alternatives(rule, true);
        skip(true);
        expect(')', "an unclosed '('");
        out.add(Rules.ref(generated(rule, group)));
      } else if (isNameChar(c)) {
        int save = pos;
        String name = name();
        skip(false);
        if (src.startsWith("::=", pos)) { // the next rule's definition
          pos = save;
          return out;
        }
        out.add(Rules.ref(id(name)));
        pos = save + name.length();
      } else if (c == '*' || c == '+' || c == '?' || c == '{') {
        if (lastStart < 0) {
          throw error("'" + c + "' repeats nothing");
        }
        repeat(rule, out, lastStart);
        continue;
      } else {
        return out; // '|', ')', a newline at the top level, or an error the caller reports
      }
      lastStart = start;
    }
  }

  /** Applies the repetition at pos to out[from..]: x* x+ x? x{m} x{m,} x{m,n}. */
  private void repeat(String rule, List<Integer> out, int from) {
    List<Integer> x = new ArrayList<>(out.subList(from, out.size()));
    out.subList(from, out.size()).clear();
    char c = src.charAt(pos++);
    int min;
    int max; // -1: unbounded
    switch (c) {
      case '*' -> {
        min = 0;
        max = -1;
      }
      case '+' -> {
        min = 1;
        max = -1;
      }
      case '?' -> {
        min = 0;
        max = 1;
      }
      default -> {
        skip(false);
        min = number();
        skip(false);
        max = min;
        if (pos < src.length() && src.charAt(pos) == ',') {
          pos++;
          skip(false);
          max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? number() : -1;
          skip(false);
        }
        expect('}', "an unclosed '{'");
        if (max >= 0 && max < min) {
          throw error("{" + min + "," + max + "}: the maximum is below the minimum");
        }
        if (Math.max(min, max) > MAX_REPEAT) {
          throw error("a repetition may count at most " + MAX_REPEAT);
        }
      }
    }
    for (int i = 0; i < min; i++) {
      out.addAll(x);
    }
    if (max < 0) { // x*: r ::= x r | (empty)
      int r = newRule(rule);
      List<Integer> loop = new ArrayList<>(x);
      loop.add(Rules.ref(r));
      rules.set(r, List.of(loop, List.of()));
      out.add(Rules.ref(r));
    } else if (max > min) { // (n - m) nested optionals: r_k ::= x r_(k-1) | (empty)
      int inner = -1;
      for (int k = 0; k < max - min; k++) {
        int r = newRule(rule);
        List<Integer> more = new ArrayList<>(x);
        if (inner >= 0) {
          more.add(Rules.ref(inner));
        }
        rules.set(r, List.of(more, List.of()));
        inner = r;
      }
      out.add(Rules.ref(inner));
    }
  }

  private int number() {
    int start = pos;
    while (pos < src.length() && Character.isDigit(src.charAt(pos)) && pos - start < 7) {
      pos++;
    }
    if (start == pos) {
      throw error("expected a number");
    }
    return Integer.parseInt(src.substring(start, pos));
  }

  private CharSet charClass() {
    pos++; // '['
    boolean negated = pos < src.length() && src.charAt(pos) == '^';
    if (negated) {
      pos++;
    }
    List<char[]> ranges = new ArrayList<>();
    while (pos < src.length() && src.charAt(pos) != ']') {
      if (Character.isSurrogate(src.charAt(pos))) {
        throw error("a class holds characters of the BMP only (write others as literals)");
      }
      char lo = literalChar();
      char hi = lo;
      if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
        pos++;
        hi = literalChar();
        if (hi < lo) {
          throw error("the range " + lo + "-" + hi + " runs backwards");
        }
      }
      ranges.add(new char[] {lo, hi});
    }
    expect(']', "an unclosed '['");
    CharSet set = CharSet.ranges(ranges, negated);
    if (set.isEmpty()) {
      throw error("the class matches no character");
    }
    return set;
  }

  /** One character of a literal or class, escapes decoded; only BMP characters in classes. */
  private char literalChar() {
    if (pos >= src.length()) {
      throw error("unexpected end");
    }
    char c = src.charAt(pos++);
    if (c != '\\') {
      return c;
    }
    if (pos >= src.length()) {
      throw error("unexpected end after '\\'");
    }
    char e = src.charAt(pos++);
    return switch (e) {
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'x' -> hex(2);
      case 'u' -> hex(4);
      case 'U' -> hex(8);
      case '\\', '"', '[', ']', '-', '^', '/', '\'' -> e;
      default -> throw error("unknown escape '\\" + e + "'");
    };
  }

  private char hex(int digits) {
    if (pos + digits > src.length()) {
      throw error("a \\x/\\u/\\U escape needs " + digits + " hex digits");
    }
    int v;
    try {
      v = Integer.parseInt(src.substring(pos, pos + digits), 16);
    } catch (NumberFormatException e) {
      throw error("a \\x/\\u/\\U escape needs " + digits + " hex digits");
    }
    pos += digits;
    if (v > Character.MAX_VALUE) {
      throw error("characters beyond U+FFFF are only supported written as themselves");
    }
    return (char) v;
  }

  private String name() {
    int start = pos;
    while (pos < src.length() && isNameChar(src.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("expected a rule name");
    }
    return src.substring(start, pos);
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_';
  }

  /** Skips spaces and comments, and newlines when {@code newlines}. */
  private void skip(boolean newlines) {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == ' ' || c == '\t' || ((c == '\n' || c == '\r') && newlines)) {
        pos++;
      } else {
        return;
      }
    }
  }

  private void expect(char c, String otherwise) {
    if (pos >= src.length() || src.charAt(pos) != c) {
      throw error(otherwise);
    }
    pos++;
  }

  private int id(String name) {
    return ids.computeIfAbsent(
        name,
        n -> {
          names.add(n);
          rules.add(null);
          return names.size() - 1;
        });
  }

  private int newRule(String base) {
    String n = base + "-" + (names.size() + 1);
    while (ids.containsKey(n)) {
      n = n + "_";
    }
    return id(n);
  }

  private int generated(String base, List<List<Integer>> alternatives) {
    int r = newRule(base);
    rules.set(r, alternatives);
    return r;
  }

  private int set(CharSet s) {
    sets.add(s);
    return sets.size() - 1;
  }

  private IllegalArgumentException error(String message) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < Math.min(pos, src.length()); i++) {
      if (src.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new IllegalArgumentException(
        "grammar line " + line + ", column " + col + ": " + message);
  }

  private Rules flatten() {
    List<Integer> code = new ArrayList<>();
    int[][] alternatives = new int[rules.size()][];
    for (int r = 0; r < rules.size(); r++) {
      List<List<Integer>> alts = rules.get(r);
      alternatives[r] = new int[alts.size()];
      for (int a = 0; a < alts.size(); a++) {
        alternatives[r][a] = code.size();
        code.addAll(alts.get(a));
        code.add(Rules.END);
      }
    }
    return new Rules(
        code.stream().mapToInt(Integer::intValue).toArray(),
        sets.toArray(new CharSet[0]),
        alternatives,
        List.copyOf(names),
        ids.get("root"));
  }
}
