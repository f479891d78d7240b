package dev.shallows.engine.generate.regex;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.BasicAutomata;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a JSON Schema {@code pattern} (ECMA-262 syntax, the regular part of it) into a
 * dk.brics automaton of the strings it matches. As in JSON Schema the pattern is not anchored: it
 * matches a string that contains a match, unless a top-level alternative starts with {@code ^} or
 * ends with {@code $}. Characters are UTF-16 code units, as in ECMA-262 without the {@code u} flag.
 *
 * <p>Supported: literals, {@code .}, classes (ranges, negation, {@code \d \w \s} and their
 * negations, also inside classes), escapes ({@code \t \n \r \f \v \0 \xHH \}{@code uHHHH}, escaped
 * syntax characters), groups ({@code (...)}, {@code (?:...)}, {@code (?<name>...)}), alternation,
 * the quantifiers {@code * + ? {n} {n,} {n,m}} (lazy ones too: they match the same strings), and
 * {@code ^}/{@code $} at the ends of top-level alternatives. Not regular or not supported, refused
 * with {@link IllegalArgumentException}: backreferences, lookaround, word boundaries, anchors
 * elsewhere, and counts above {@value #MAX_COUNT}.
 */
public final class EcmaRegex {

  /** The largest count a {@code {n,m}} quantifier may use. */
  static final int MAX_COUNT = 256;

  /**
   * States the automaton may have while it is built (nondeterministic) and once deterministic:
   * beyond them a pattern is refused rather than let grow (nested counts multiply, subsets can grow
   * exponentially).
   */
  static final int MAX_STATES = 20_000;

  private final String p;
  private int i;

  private EcmaRegex(String pattern) {
    this.p = pattern;
  }

  /**
   * The strings in which the pattern finds a match (JSON Schema's semantics for {@code pattern}).
   *
   * @throws IllegalArgumentException for a syntax error or what is not supported, with the offset
   */
  public static Automaton search(String pattern) {
    return parse(pattern, true);
  }

  /**
   * The strings the pattern matches whole (as guided decoding's regex: the output is a match);
   * {@code ^} and {@code $} at the ends of top-level alternatives change nothing.
   *
   * @throws IllegalArgumentException for a syntax error or what is not supported, with the offset
   */
  public static Automaton whole(String pattern) {
    return parse(pattern, false);
  }

  private static Automaton parse(String pattern, boolean search) {
    EcmaRegex r = new EcmaRegex(pattern);
    List<Automaton> options = new ArrayList<>();
    do {
      boolean start = r.eat('^');
      Automaton body = r.alternative(true);
      boolean end = r.eat('$');
      if (r.i < r.p.length() && r.p.charAt(r.i) != '|') {
        throw r.error("'" + r.p.charAt(r.i) + "' is not expected here");
      }
      Automaton any = search ? BasicAutomata.makeAnyString() : empty();
      options.add((start ? body : any.concatenate(body)).concatenate(end ? empty() : any));
    } while (r.eat('|'));
    return BoundedDeterminizer.determinize(Automaton.union(options), MAX_STATES);
  }

  private Automaton disjunction() {
    List<Automaton> options = new ArrayList<>();
    options.add(alternative(false));
    while (eat('|')) {
      options.add(alternative(false));
    }
    return options.size() == 1 ? options.get(0) : Automaton.union(options);
  }

  /** Terms up to '|', ')' or the end; at the top level a trailing '$' ends it too. */
  private Automaton alternative(boolean top) {
    List<Automaton> terms = new ArrayList<>();
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '|' || c == ')' || (top && c == '$' && i == p.length() - 1)) {
        break;
      }
      if (top && c == '$' && p.charAt(i + 1) == '|') {
        break;
      }
      terms.add(quantified(atom()));
    }
    long size = 0;
    for (Automaton t : terms) {
      size += t.getNumberOfStates();
    }
    if (size > MAX_STATES) {
      throw error("the pattern's automaton grows past " + MAX_STATES + " states");
    }
    return terms.isEmpty() ? empty() : Automaton.concatenate(terms);
  }

  private Automaton atom() {
    char c = p.charAt(i++);
    switch (c) {
      case '.':
        return chars(except("\n\r\u2028\u2029"));
      case '(':
        return group();
      case '[':
        return chars(charClass());
      case '\\':
        return chars(escape(false));
      case '^', '$':
        throw error("'" + c + "' is supported only at the start or end of the pattern");
      case '*', '+', '?', '{':
        throw error("a quantifier needs something to repeat");
      case ')':
        throw error("unbalanced ')'");
      default:
        return BasicAutomata.makeChar(c);
    }
  }

  private Automaton group() {
    if (eat('?')) {
      if (eat(':')) {
        // non-capturing
      } else if (p.startsWith("<", i) && !p.startsWith("<=", i) && !p.startsWith("<!", i)) {
        int close = p.indexOf('>', i);
        if (close < 0) {
          throw error("unterminated group name");
        }
        i = close + 1;
      } else {
        throw error("lookaround assertions are not supported");
      }
    }
    Automaton inner = disjunction();
    if (!eat(')')) {
      throw error("missing ')'");
    }
    return inner;
  }

  private Automaton quantified(Automaton a) {
    while (i < p.length()) {
      char c = p.charAt(i);
      Automaton q;
      if (c == '*') {
        i++;
        q = a.repeat();
      } else if (c == '+') {
        i++;
        q = a.repeat(1);
      } else if (c == '?') {
        i++;
        q = a.optional();
      } else if (c == '{' && countAhead()) {
        i++;
        int min = number();
        int max = min;
        if (eat(',')) {
          max = i < p.length() && p.charAt(i) == '}' ? -1 : number();
        }
        eat('}');
        if (max >= 0 && max < min) {
          throw error("{" + min + "," + max + "}: the counts are out of order");
        }
        if ((long) a.getNumberOfStates() * (Math.max(min, max) + 1) > MAX_STATES) {
          throw error("the pattern's automaton grows past " + MAX_STATES + " states");
        }
        q = max < 0 ? a.repeat(min) : a.repeat(min, max);
      } else {
        return a;
      }
      eat('?'); // lazy: the same strings
      a = q;
    }
    return a;
  }

  /** Whether a '{' here starts a {n}, {n,} or {n,m} quantifier (else it is a literal '{'). */
  private boolean countAhead() {
    return p.substring(i).matches("(?s)\\{[0-9]+(,[0-9]*)?}.*");
  }

  private int number() {
    int start = i;
    while (i < p.length() && Character.isDigit(p.charAt(i))) {
      i++;
    }
    String digits = p.substring(start, i);
    if (digits.length() > 4 || Integer.parseInt(digits) > MAX_COUNT) {
      throw error("counts above " + MAX_COUNT + " are not supported");
    }
    return Integer.parseInt(digits);
  }

  /** A bracketed class after its '[', as sorted disjoint ranges. */
  private CharRanges charClass() {
    boolean negated = eat('^');
    CharRanges set = new CharRanges();
    boolean first = true;
    while (true) {
      if (i >= p.length()) {
        throw error("missing ']'");
      }
      char c = p.charAt(i);
      if (c == ']' && !first) {
        i++;
        break;
      }
      if (c == ']') { // "[]" matches nothing in ECMA-262
        i++;
        return negated ? CharRanges.all() : set;
      }
      first = false;
      CharRanges lo = classAtom();
      if (lo.single() >= 0 && i + 1 < p.length() && p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
        i++;
        CharRanges hi = classAtom();
        if (hi.single() < 0 || hi.single() < lo.single()) {
          throw error("bad range in a character class");
        }
        set.add((char) lo.single(), (char) hi.single());
      } else {
        set.addAll(lo);
      }
    }
    return negated ? set.complement() : set;
  }

  private CharRanges classAtom() {
    char c = p.charAt(i++);
    if (c == '\\') {
      if (eat('b')) {
        return CharRanges.of('\b', '\b'); // inside a class \b is backspace
      }
      return escape(true);
    }
    return CharRanges.of(c, c);
  }

  /** The characters an escape after its '\' stands for. */
  private CharRanges escape(boolean inClass) {
    if (i >= p.length()) {
      throw error("the pattern ends in '\\'");
    }
    char c = p.charAt(i++);
    switch (c) {
      case 'd':
        return CharRanges.of('0', '9');
      case 'D':
        return CharRanges.of('0', '9').complement();
      case 'w':
        return word();
      case 'W':
        return word().complement();
      case 's':
        return space();
      case 'S':
        return space().complement();
      case 't':
        return CharRanges.of('\t', '\t');
      case 'n':
        return CharRanges.of('\n', '\n');
      case 'r':
        return CharRanges.of('\r', '\r');
      case 'f':
        return CharRanges.of('\f', '\f');
      case 'v':
        return CharRanges.of('\u000b', '\u000b');
      case 'x':
        return single(hex(2));
      case 'u':
        return single(hex(4));
      case '0':
        if (i < p.length() && Character.isDigit(p.charAt(i))) {
          throw error("octal escapes are not supported");
        }
        return CharRanges.of('\0', '\0');
      case 'b', 'B':
        throw error("word boundaries are not supported");
      case 'c', 'k', 'p', 'P':
        throw error("the escape \\" + c + " is not supported");
      default:
        if (Character.isDigit(c)) {
          throw error("backreferences are not supported");
        }
        if (Character.isLetterOrDigit(c) && !inClass) {
          throw error("the escape \\" + c + " is not supported");
        }
        return CharRanges.of(c, c); // an escaped syntax character stands for itself
    }
  }

  private int hex(int digits) {
    if (i + digits > p.length()) {
      throw error("a hex escape needs " + digits + " digits");
    }
    String h = p.substring(i, i + digits);
    if (!h.matches("[0-9a-fA-F]+")) {
      throw error("bad hex escape " + h);
    }
    i += digits;
    return Integer.parseInt(h, 16);
  }

  private static CharRanges single(int c) {
    return CharRanges.of((char) c, (char) c);
  }

  private static CharRanges word() {
    CharRanges w = CharRanges.of('a', 'z');
    w.add('A', 'Z');
    w.add('0', '9');
    w.add('_', '_');
    return w;
  }

  /** ECMA-262's WhiteSpace and LineTerminator characters. */
  private static CharRanges space() {
    CharRanges s = new CharRanges();
    for (char c : "\t\n\u000b\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff".toCharArray()) {
      s.add(c, c);
    }
    s.add('\u2000', '\u200a');
    return s;
  }

  private static CharRanges except(String chars) {
    CharRanges s = new CharRanges();
    for (char c : chars.toCharArray()) {
      s.add(c, c);
    }
    return s.complement();
  }

  private static Automaton chars(CharRanges set) {
    List<Automaton> parts = new ArrayList<>();
    set.forEach((lo, hi) -> parts.add(BasicAutomata.makeCharRange(lo, hi)));
    return parts.isEmpty() ? BasicAutomata.makeEmpty() : Automaton.union(parts);
  }

  private static Automaton empty() {
    return BasicAutomata.makeEmptyString();
  }

  private boolean eat(char c) {
    if (i < p.length() && p.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " (at offset " + Math.min(i, p.length()) + ")");
  }
}
