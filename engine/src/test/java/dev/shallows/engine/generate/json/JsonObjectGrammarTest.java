package dev.shallows.engine.generate.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JSON-object recognizer against hand-picked cases and against Jackson (strict, no trailing
 * tokens) as the independent reference: on random objects, compact and spaced, and on random
 * one-character mutations of them, the recognizer calls a text a complete object exactly when
 * Jackson parses it as one.
 */
class JsonObjectGrammarTest {

  private static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Jackson's pretty printer with a space for each line break and no indentation. */
  private static final DefaultPrettyPrinter SPACED =
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("", " "));

  private static long feed(String text) {
    return JsonObjectGrammar.feed(JsonObjectGrammar.START, text);
  }

  @Test
  void acceptsObjectsAndIsCompleteOnlyAtTheirEnd() {
    for (String doc :
        List.of(
            "{}",
            " {\"a\":1}",
            "{\"a\": [1, -0, 2.5e10, -3E-2, 0.25, 10], \"b\": {\"c\": null}, \"d\": [true, false]}",
            "{\"s\":\"q\\\"uote \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\uD83D\\ude00 é 😀\"}",
            "{ \"nested\": { \"deep\": [[], [{}], \"x\"] } }")) {
      for (int i = 0; i < doc.length(); i++) {
        long s = feed(doc.substring(0, i));
        assertNotEquals(
            JsonObjectGrammar.INVALID, s, "prefix of " + doc + ": " + doc.substring(0, i));
        assertFalse(JsonObjectGrammar.isComplete(s), "complete too early: " + doc.substring(0, i));
      }
      assertTrue(JsonObjectGrammar.isComplete(feed(doc)), doc);
      assertEquals(
          JsonObjectGrammar.INVALID, JsonObjectGrammar.step(feed(doc), ' '), "after the end");
    }
  }

  @Test
  void rejectsWhatIsNotAnObject() {
    for (String bad :
        List.of(
            "[]",
            "\"s\"",
            "1",
            "{,",
            "{\"a\" 1",
            "{\"a\":01",
            "{\"a\":1,}",
            "{\"a\":tru}",
            "{\"a\":-}",
            "{\"a\":1.}",
            "{\"a\":1e}",
            "{\"a\":\"\\x\"",
            "{\"a\":\"\\u12g",
            "{\"a\":\"line\nbreak\"",
            "{\"a\":1]",
            "{\"a\":[1}",
            "{\"a\":[1,]",
            "{'a':1}",
            "{a:1}",
            "{\"a\":NaN}",
            "{\"a\":+1}",
            "{\"a\":.5}",
            "{} {}")) {
      assertEquals(JsonObjectGrammar.INVALID, feed(bad), bad);
    }
  }

  @Test
  void allowsOneSpaceBetweenTokensAndLimitsDepth() {
    assertTrue(JsonObjectGrammar.isComplete(feed(" { \"a\" : [ 1 , 2 ] , \"b\" : { } }")));
    for (String bad : List.of("  {", "{  ", "{\n", "{\t", "{\r\n", "{\"a\":1 \n}")) {
      assertEquals(JsonObjectGrammar.INVALID, feed(bad), bad.replace("\n", "\\n"));
    }
    assertTrue(JsonObjectGrammar.isComplete(feed("{\"s\":\"  \\n\\n  \"}")), "in strings");
    String deep = "{\"a\":" + "[".repeat(JsonObjectGrammar.MAX_DEPTH - 1);
    assertNotEquals(JsonObjectGrammar.INVALID, feed(deep));
    assertEquals(JsonObjectGrammar.INVALID, feed(deep + "["));
  }

  @Test
  void agreesWithJacksonOnRandomObjectsAndTheirMutations() throws Exception {
    Random rnd = new Random(11);
    String alphabet = "{}[]:,\" \n\\-+.0123456789eEtrufalsn/xé";
    int complete = 0;
    int mutants = 0;
    for (int i = 0; i < 300; i++) {
      ObjectNode obj = randomObject(rnd, 0);
      String text =
          i % 2 == 0
              ? JACKSON.writeValueAsString(obj)
              : JACKSON.writer(SPACED).writeValueAsString(obj);
      assertTrue(JsonObjectGrammar.isComplete(feed(text)), text);
      for (int m = 0; m < 20; m++) {
        StringBuilder b = new StringBuilder(text);
        int at = rnd.nextInt(b.length());
        switch (rnd.nextInt(3)) {
          case 0 -> b.deleteCharAt(at);
          case 1 -> b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
          default -> b.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        String mutant = b.toString();
        boolean ours = JsonObjectGrammar.isComplete(feed(mutant));
        assertEquals(jacksonObject(mutant) && whitespaceAsAllowed(mutant), ours, mutant);
        mutants++;
        complete += ours ? 1 : 0;
      }
    }
    assertTrue(complete > 100 && complete < mutants - 100, complete + " of " + mutants + " valid");
  }

  /** Outside strings, every whitespace run is one space. */
  private static boolean whitespaceAsAllowed(String text) {
    String bare = text.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    return Pattern.compile("[ \\t\\n\\r]+")
        .matcher(bare)
        .results()
        .allMatch(m -> m.group().equals(" "));
  }

  private static boolean jacksonObject(String text) {
    try {
      return JACKSON.readTree(text) instanceof ObjectNode;
    } catch (Exception e) {
      return false;
    }
  }

  private static ObjectNode randomObject(Random rnd, int depth) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    int n = rnd.nextInt(depth == 0 ? 4 : 3);
    for (int i = 0; i < n; i++) {
      o.set(
          "k" + rnd.nextInt(100) + (rnd.nextBoolean() ? "\"q\\" : "é"),
          randomValue(rnd, depth + 1));
    }
    return o;
  }

  private static JsonNode randomValue(Random rnd, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = rnd.nextInt(depth < 3 ? 8 : 6);
    return switch (kind) {
      case 0 -> f.numberNode(rnd.nextInt(2000) - 1000);
      case 1 -> f.numberNode(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 6));
      case 2 -> f.textNode("t" + rnd.nextInt(50) + (rnd.nextBoolean() ? "\n\t\u0001" : " x"));
      case 3 -> f.booleanNode(rnd.nextBoolean());
      case 4 -> f.nullNode();
      case 5 -> f.textNode("");
      case 6 -> randomObject(rnd, depth);
      default -> {
        ArrayNode a = f.arrayNode();
        for (int i = rnd.nextInt(3); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        yield a;
      }
    };
  }
}
