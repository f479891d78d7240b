package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.generate.Stories260K;
import dev.shallows.engine.generate.json.PieceTrie;
import dev.shallows.engine.generate.json.schema.SchemaRecognizer.State;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allowed-token sets: at every prefix of valid instances, the set the constraint gives (with
 * its inside-a-string shortcut) equals trying every token's text one by one through the recognizer,
 * on stories260K's vocabulary and on a small one full of quotes, escapes and tokens that cross a
 * string's end.
 */
class JsonSchemaConstraintTest {

  private static final String[] TRICKY = {
    "\"",
    "\",",
    "\"}",
    "\":",
    "\\",
    "\\u00",
    "e9",
    "\\n",
    "a",
    "ab",
    "abc",
    "abcd\"",
    "\u00e9",
    "x\"",
    " ",
    " \"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "1",
    "12",
    "-",
    ".5",
    "e",
    "true",
    "null",
    "\"name",
    "name\":",
    "\":\"",
    "\u0001",
    "",
    null,
    "dog",
    "\"cat\"",
    "\"a\",\"b\"]"
  };

  @Test
  void cachedSetsEqualTryingEveryToken() throws Exception {
    String[] stories = Stories260K.tokenizer().pieces();
    List<String> texts =
        List.of(
            "{\"name\":\"Bo \\u00e9x\",\"age\":-30,\"tags\":[\"a\",\"b\"],\"pet\":{\"kind\":\"cat\",\"weight\":1.5e3}}",
            "{ \"name\": \"abcde\", \"age\": 0, \"pet\": null }");
    JsonSchema schema = SchemaRecognizerTest.schema(SchemaRecognizerTest.PERSON);
    JsonSchema anything = SchemaRecognizerTest.schema(SchemaRecognizerTest.ANYTHING);
    String other = "{\"meta\":{\"k\":[\"x\\\"y\",1,null]},\"n\":2,\"s\":\"abc\"}";
    JsonSchema patterned =
        SchemaRecognizerTest.schema(
            "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\","
                + "\"pattern\":\"^[a-e\\\\\\\"]{2,6}$\",\"maxLength\":5},\"d\":{\"type\":\"string\",\"format\":\"date\"}}}");
    String patternedText = "{\"s\":\"ab\\\"\\u0063\",\"d\":\"2024-02-28\"}";
    int strings = 0;
    for (String[] pieces : List.of(TRICKY, stories)) {
      for (String text : texts) {
        strings += compareAlong(schema, text, pieces);
      }
      strings += compareAlong(anything, other, pieces);
      strings += compareAlong(patterned, patternedText, pieces);
    }
    assertTrue(strings > 40, "few states inside strings were compared: " + strings);
  }

  /** Compares at every prefix of {@code text}; returns how many were inside a string. */
  private static int compareAlong(JsonSchema schema, String text, String[] pieces) {
    assertTrue(schema.accepts(text), text);
    State s = SchemaRecognizer.start(schema.root());
    int inString = 0;
    for (int i = 0; i <= text.length(); i++) {
      JsonSchemaConstraint c = new JsonSchemaConstraint(s, pieces, new HashMap<>());
      BitSet expected = new BitSet();
      for (int t = 0; t < pieces.length; t++) {
        if (pieces[t] != null
            && !pieces[t].isEmpty()
            && SchemaRecognizer.feed(s, pieces[t]).alive()) {
          expected.set(t);
        }
      }
      assertEquals(expected, c.allowed(), "after " + text.substring(0, i));
      assertEquals(
          expected,
          PieceTrie.of(pieces).allowed(s, SchemaRecognizer::step, State::alive, pieces.length));
      if (s.stacks().iterator().next().top() instanceof SchemaRecognizer.Str) {
        inString++;
      }
      if (i < text.length()) {
        s = SchemaRecognizer.step(s, text.charAt(i));
      }
    }
    return inString;
  }
}
