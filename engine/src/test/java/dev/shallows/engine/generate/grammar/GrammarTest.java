package dev.shallows.engine.generate.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.generate.OutputConstraint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * GBNF grammars against independent references: a regular grammar against {@code java.util.regex}
 * (whole texts, and live prefixes by brute-force completion), nested brackets against a stack
 * checker, a JSON grammar against Jackson (random walks end in JSON Jackson reads; compact and
 * indented texts are accepted), the layouts GBNF allows, the allowed-token sets against stepping
 * every token, and the grammars that must be refused.
 */
class GrammarTest {

  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** JSON objects (a subset: whitespace where {@code sp} stands), in GBNF. */
  static final String JSON =
      """
      # one JSON object, spaces and newlines between tokens where sp allows them
      root    ::= obj sp
      val     ::= obj | arr | str | num | "true" | "false" | "null"
      obj     ::= "{" sp ( member ( "," sp member )* )? "}"
      member  ::= str sp ":" sp val sp
      arr     ::= "[" sp ( val sp ( "," sp val sp )* )? "]"
      str     ::= "\\"" ( plain | esc )* "\\""
      plain   ::= [^"\\\\\\x00-\\x1F]
      esc     ::= "\\\\" ( ["\\\\/bfnrt] | "u" hex{4} )
      hex     ::= [0-9a-fA-F]
      num     ::= "-"? ( "0" | [1-9] [0-9]{0,15} ) ( "." [0-9]+ )? ( [eE] [+-]? [0-9]{1,3} )?
      sp      ::= ( " " | "\\n" [ ]{0,8} )?
      """;

  @Test
  void theLayoutsGbnfAllowAreRead() {
    Grammar g =
        Grammar.gbnf(
            """
            # a comment line
            root ::= (
                # comments and newlines inside parentheses
                Greeting-word__2 " "
                name
              ) tail?
            Greeting-word__2 ::= "hi" |
              "hello"
              | "\\x48ey"          # a line starting with | continues the rule
            name ::= [A-Z] [a-z\\u00e9]{1,}
            tail ::= [!,-.] | [\\\\\\]]
            """);
    for (String ok :
        List.of("hi Bo", "hello Ren\u00e9e", "Hey Al!", "hi Bo-", "hi Bo\\", "hi Bo]")) {
      assertTrue(g.matches(ok), ok);
    }
    for (String bad : List.of("hey Bo", "hi bo", "hi B", "hi Bo?", "hi Bo!!")) {
      assertFalse(g.matches(bad), bad);
    }
  }

  @Test
  void aRegularGrammarMatchesWhatItsRegexMatches() {
    Grammar g =
        Grammar.gbnf(
            "root ::= [a-c]+ (\"x\" | \"yz\"){1,3} digit?  # a comment\ndigit ::= [0-9]\n");
    Pattern regex = Pattern.compile("[a-c]+(x|yz){1,3}[0-9]?");
    String alphabet = "abcxyz09";
    Random rnd = new Random(3);
    int matched = 0;
    for (int i = 0; i < 600; i++) {
      StringBuilder b = new StringBuilder();
      int n = rnd.nextInt(9);
      for (int k = 0; k < n; k++) {
        // mostly letters first, then x/yz, so that many strings match
        String part = k < n / 2 ? "abc" : alphabet;
        b.append(part.charAt(rnd.nextInt(part.length())));
      }
      String s = b.toString();
      boolean whole = regex.matcher(s).matches();
      matched += whole ? 1 : 0;
      assertEquals(whole, g.matches(s), s);
      assertEquals(completable(regex, s, alphabet, 3), g.matchesPrefix(s), "prefix " + s);
    }
    assertTrue(matched > 30, matched + " matches");
  }

  /** Whether some extension of s by at most {@code more} characters matches. */
  private static boolean completable(Pattern p, String s, String alphabet, int more) {
    if (p.matcher(s).matches()) {
      return true;
    }
    if (more == 0) {
      return false;
    }
    for (char c : alphabet.toCharArray()) {
      if (completable(p, s + c, alphabet, more - 1)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void nestedBracketsAreRecognizedAsAStackChecksThem() {
    Grammar g =
        Grammar.gbnf(
            """
            root ::= item*
            item ::= "(" item* ")"
                   | "[" item* "]"
                   | [a-b]
            """);
    Random rnd = new Random(5);
    int balanced = 0;
    for (int i = 0; i < 2000; i++) {
      String s = i % 2 == 0 ? derive(rnd, 0) : random(rnd, "()[]ab", 12);
      int[] check = brackets(s);
      balanced += check[0];
      assertEquals(check[0] == 1, g.matches(s), s);
      assertEquals(check[1] == 1, g.matchesPrefix(s), "prefix " + s);
    }
    assertTrue(balanced > 900, balanced + " balanced");
    String deep = "(".repeat(300) + "a" + ")".repeat(300);
    assertTrue(g.matches(deep));
    assertTrue(g.matches("ab".repeat(3000)), "right recursion stays flat");
  }

  /** {whole, live prefix} by a stack: whole when every bracket closes in order. */
  private static int[] brackets(String s) {
    Deque<Character> open = new ArrayDeque<>();
    for (char c : s.toCharArray()) {
      if (c == '(' || c == '[') {
        open.push(c);
      } else if (c == ')' || c == ']') {
        if (open.isEmpty() || open.pop() != (c == ')' ? '(' : '[')) {
          return new int[] {0, 0};
        }
      }
    }
    return new int[] {open.isEmpty() ? 1 : 0, 1};
  }

  private static String derive(Random rnd, int depth) {
    StringBuilder b = new StringBuilder();
    int n = rnd.nextInt(depth < 3 ? 4 : 2);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(depth < 3 ? 3 : 1)) {
        case 1 -> b.append('(').append(derive(rnd, depth + 1)).append(')');
        case 2 -> b.append('[').append(derive(rnd, depth + 1)).append(']');
        default -> b.append(rnd.nextBoolean() ? 'a' : 'b');
      }
    }
    return b.toString();
  }

  private static String random(Random rnd, String alphabet, int max) {
    StringBuilder b = new StringBuilder();
    int n = rnd.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Test
  void aJsonGrammarDerivesJsonThatJacksonReads() throws Exception {
    Grammar g = Grammar.gbnf(JSON);
    String alphabet = "{}[]:,\" \n\\/-+.eE0123456789abfnrstuxyzl\u00e9\u0001";
    Random rnd = new Random(11);
    int completed = 0;
    for (int walk = 0; walk < 400; walk++) {
      GrammarState s = GrammarState.start(rulesOf(g));
      StringBuilder text = new StringBuilder();
      for (int step = 0; step < 120; step++) {
        if (s.accepts() && rnd.nextInt(4) == 0) {
          break;
        }
        List<Character> next = new ArrayList<>();
        List<GrammarState> states = new ArrayList<>();
        for (char c : alphabet.toCharArray()) {
          GrammarState t = s.step(c);
          if (t != null) {
            next.add(c);
            states.add(t);
          }
        }
        assertFalse(next.isEmpty() && !s.accepts(), "a dead end after " + text);
        if (next.isEmpty()) {
          break;
        }
        int k = rnd.nextInt(next.size());
        text.append(next.get(k));
        s = states.get(k);
      }
      if (s.accepts()) {
        completed++;
        JACKSON.readTree(text.toString()); // throws if not one JSON value
        assertTrue(text.charAt(0) == '{', text.toString());
      }
    }
    assertTrue(completed > 50, completed + " of 400 walks completed");
    for (String ok :
        List.of(
            "{}",
            "{\"a\":[1,-2.5e3,true,null,{\"b\":\"\\u00e9\\n\"}]}",
            "{ \"k\": \"v\" }",
            "{\n  \"k\": [\n    1\n  ]\n}\n")) {
      assertTrue(g.matches(ok), ok);
    }
    for (String bad : List.of("[]", "{\"a\":01}", "{\"a\" 1}", "{'a':1}", "{\"a\":tru}")) {
      assertFalse(g.matches(bad), bad);
    }
  }

  private static Rules rulesOf(Grammar g) throws Exception {
    var f = Grammar.class.getDeclaredField("rules");
    f.setAccessible(true);
    return (Rules) f.get(g);
  }

  @Test
  void allowedTokensAreExactlyTheTokensTheGrammarCanTake() {
    Grammar g = Grammar.gbnf(JSON);
    String[] pieces = {
      "{", "}", "{\"", "\"", "\":", "a", "ab", " ", "  ", "\n", ",", "1", "12", "-", ".5", "e",
      "true", "tr", "ue", "null", "[", "]", "[]", "\\", "\\n", "\ufffd", "é", "", "}\n", "x"
    };
    List<String> texts = List.of("{\"ab\": [1, true, \"x\\n\"], \"a\": {}}", "{}");
    List<String> all = new ArrayList<>(List.of(pieces));
    texts.forEach(
        t ->
            t.chars()
                .forEach(
                    ch -> {
                      if (!all.contains(String.valueOf((char) ch))) {
                        all.add(
                            String.valueOf((char) ch)); // each character as a token of its own too
                      }
                    }));
    pieces = all.toArray(new String[0]);
    int eos = pieces.length;
    String[] vocab = java.util.Arrays.copyOf(pieces, pieces.length + 1);
    vocab[eos] = null; // special tokens have no text piece
    for (String text : texts) {
      OutputConstraint c = g.constraint(vocab, Set.of(eos));
      for (int i = 0; i <= text.length(); i++) {
        String prefix = text.substring(0, i);
        BitSet expected = new BitSet();
        for (int t = 0; t < pieces.length; t++) {
          if (!pieces[t].isEmpty()
              && !pieces[t].contains("\ufffd")
              && g.matchesPrefix(prefix + pieces[t])) {
            expected.set(t);
          }
        }
        if (g.matches(prefix)) {
          expected.set(eos);
        }
        // step the constraint to this prefix one character token at a time where possible
        OutputConstraint at = g.constraint(vocab, Set.of(eos));
        for (char ch : prefix.toCharArray()) {
          at.accept(indexOf(vocab, String.valueOf(ch)));
        }
        assertEquals(expected, at.allowed(), "after " + prefix);
      }
      assertFalse(c.isComplete());
    }
  }

  private static int indexOf(String[] vocab, String s) {
    for (int i = 0; i < vocab.length; i++) {
      if (s.equals(vocab[i])) {
        return i;
      }
    }
    throw new AssertionError("no token " + s);
  }

  @Test
  void aChoiceEndsByItself() {
    String[] pieces = {"y", "es", "no", "yes"};
    OutputConstraint c = Grammar.gbnf("root ::= \"yes\" | \"no\"").constraint(pieces, Set.of());
    BitSet first = c.allowed();
    assertEquals(BitSet.valueOf(new long[] {0b1101}), first);
    c.accept(0);
    assertFalse(c.isComplete());
    c.accept(1);
    assertTrue(c.isComplete());
    assertThrows(IllegalStateException.class, () -> c.accept(2));
  }

  @Test
  void badGrammarsAreRefusedWithTheirPlace() {
    assertRefused(
        "expr ::= expr \"+\" term | term\nterm ::= [0-9]\nroot ::= expr", "left recursion");
    assertRefused("root ::= (\"a\"?)*", "left recursion");
    assertRefused("root ::= a b\na ::= \"\"\nb ::= root \"x\" | \"y\"", "left recursion");
    assertRefused("root ::= thing", "'thing' is used but not defined");
    assertRefused("start ::= \"a\"", "no 'root' rule");
    assertRefused("root ::= (\"a\" | \"b\"\n", "an unclosed '('");
    assertRefused("root ::= \"a\\q\"", "line 1, column 14: unknown escape");
    assertRefused("root ::= \"a\"{3,2}", "below the minimum");
    assertRefused("root ::= \"a\"{2000}", "at most 1000");
    assertRefused("root ::= *", "repeats nothing");
    assertRefused("root ::= [z-a]", "runs backwards");
    assertRefused(
        "root ::= \"a\"\nroot ::= \"b\"", "line 2, column 1: the rule 'root' is defined twice");
    assertRefused("root = \"a\"", "expected '::='");
    assertRefused("root ::= \"a\" @", "line 1, column 14");
    assertRefused("root ::= [\ud83d\ude00]", "BMP only");
  }

  private static void assertRefused(String gbnf, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grammar.gbnf(gbnf), gbnf);
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
