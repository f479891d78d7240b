package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.shallows.engine.generate.json.schema.SchemaRecognizer.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The schema recognizer against hand-picked texts and, as the independent reference, networknt's
 * JSON Schema validator: every text the recognizer calls complete (random walks through it, and
 * one-character mutations of valid instances) is valid JSON that the validator accepts, and every
 * instance a schema-guided random generator makes (checked valid by the validator), written
 * compactly in schema order, is accepted.
 */
class SchemaRecognizerTest {

  static final ObjectMapper JACKSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  static final String PERSON =
      """
      {"type":"object",
       "properties":{
         "name":{"type":"string","maxLength":5},
         "age":{"type":"integer"},
         "email":{"type":"string","description":"optional"},
         "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2},
         "pet":{"anyOf":[{"$ref":"#/$defs/pet"},{"type":"null"}]}},
       "required":["name","age"],
       "additionalProperties":false,
       "$defs":{"pet":{"type":"object","properties":{"kind":{"enum":["cat","dog"]},
         "legs":{"type":"integer"},"weight":{"type":"number"}},"required":["kind"]}}}
      """;

  static final String DICTIONARY =
      """
      {"type":"object","additionalProperties":{"type":"array","items":{"type":["integer","null"]},"maxItems":3}}
      """;

  static final String TREE =
      """
      {"type":"object","properties":{"value":{"type":"integer"},
        "children":{"type":"array","items":{"$ref":"#"},"maxItems":2}},"required":["value","children"]}
      """;

  static final String LITERALS =
      """
      {"type":"array","items":{"enum":["x",1,12,true,{"a":[1]}]},"minItems":1,"maxItems":4}
      """;

  static final String ANYTHING =
      """
      {"type":"object","properties":{"meta":{},"n":{"type":"number"},
        "s":{"type":"string","minLength":2,"maxLength":4}},"required":["n","s"]}
      """;

  /** A discriminated union as Pydantic writes it, and a oneOf of different types. */
  static final String UNION =
      """
      {"type":"object","properties":{
        "pet":{"oneOf":[{"$ref":"#/$defs/Cat"},{"$ref":"#/$defs/Dog"}],
               "discriminator":{"propertyName":"species"}},
        "id":{"oneOf":[{"type":"string","maxLength":3},{"type":"integer"},{"type":"null"}]}},
       "required":["pet","id"],
       "$defs":{
         "Cat":{"type":"object","properties":{"species":{"const":"cat"},"lives":{"type":"integer"}},
                "required":["species","lives"]},
         "Dog":{"type":"object","properties":{"species":{"enum":["dog","puppy"]},
                "bark":{"type":"string","maxLength":4}},"required":["species"]}}}
      """;

  /** Tuples (prefixItems) as Pydantic writes Tuple[int, str], open and closed after the prefix. */
  static final String TUPLES =
      """
      {"type":"object","properties":{
        "point":{"type":"array","prefixItems":[{"type":"integer"},{"type":"string","maxLength":3}],
                 "minItems":2,"maxItems":2},
        "row":{"type":"array","prefixItems":[{"enum":["id"]},{"type":"boolean"}],
               "items":{"type":"null"},"maxItems":4},
        "closed":{"type":"array","prefixItems":[{"type":"number"}],"items":false}},
       "required":["point","row","closed"]}
      """;

  static final List<String> SCHEMAS =
      List.of(PERSON, DICTIONARY, TREE, LITERALS, ANYTHING, UNION, TUPLES);

  /** Characters the random walks and mutations draw from. */
  static final String ALPHABET =
      "{}[]:,\" \\/-+.eE0123456789abcdefghijklmnopqrstuvwxyzTA\u00e9\u0001";

  @Test
  void handPickedTexts() throws Exception {
    JsonSchema person = schema(PERSON);
    for (String ok :
        List.of(
            "{\"name\":\"Bo\",\"age\":3}",
            "{ \"name\": \"Bo\", \"age\": -30 }",
            "{\"name\":\"\\u00e9\\\"x\",\"age\":0,\"email\":\"\",\"tags\":[\"a\",\"b\"]}",
            "{\"name\":\"Bo\",\"age\":3,\"pet\":null}",
            "{\"name\":\"Bo\",\"age\":3,\"pet\":{\"kind\":\"dog\",\"weight\":-1.5e3}}")) {
      assertTrue(person.accepts(ok), ok);
      assertTrue(valid(PERSON, ok), ok);
    }
    for (String bad :
        List.of(
            "{\"name\":\"Bo\"}", // age is required
            "{\"name\":\"Bobby!\",\"age\":3}", // longer than 5
            "{\"name\":\"Bo\",\"age\":3.5}", // not an integer
            "{\"name\":\"Bo\",\"age\":03}", // not JSON
            "{\"name\":\"Bo\",\"age\":3,\"tags\":[\"a\",\"b\",\"a\"]}", // more than 2
            "{\"name\":\"Bo\",\"age\":3,\"tags\":[\"c\"]}", // not in the enum
            "{\"name\":\"Bo\",\"age\":3,\"x\":1}", // no such property
            "{\"age\":3,\"name\":\"Bo\"}", // out of the schema's order
            "{\"name\":\"Bo\",\"age\":3,\"pet\":{\"legs\":4}}", // kind is required
            "{\"name\":  \"Bo\",\"age\":3}", // two spaces
            "{\"name\":\"Bo\",\"age\":3,}")) { // trailing comma
      assertFalse(person.accepts(bad), bad);
    }
    assertTrue(person.acceptsPrefix("{\"name\":\"Bo\",\"a"));
    assertFalse(person.acceptsPrefix("{\"name\":\"Bo\",\"x"));
    assertFalse(person.acceptsPrefix("{\"name\":\"Bo\"}"));

    // at most 16 digits per number part and 3 in an exponent (the decoder's limit, not JSON's)
    String age = "{\"name\":\"Bo\",\"age\":";
    assertTrue(person.accepts(age + "-1234567890123456}"));
    assertFalse(person.acceptsPrefix(age + "12345678901234567"));
    JsonSchema anything = schema(ANYTHING);
    assertTrue(anything.accepts("{\"n\":1.1234567890123456e-123,\"s\":\"ab\"}"));
    assertFalse(anything.acceptsPrefix("{\"n\":1.12345678901234567"));
    assertFalse(anything.acceptsPrefix("{\"n\":1e1234"));

    JsonSchema literals = schema(LITERALS);
    for (String ok : List.of("[1]", "[12,1]", "[\"x\",true,{\"a\":[1]}]")) {
      assertTrue(literals.accepts(ok), ok);
    }
    for (String bad : List.of("[]", "[2]", "[123]", "[1,1,1,1,1]", "[{\"a\":[2]}]", "[tru]")) {
      assertFalse(literals.accepts(bad), bad);
    }

    JsonSchema tuples = schema(TUPLES);
    String rest = ",\"row\":[\"id\",true,null],\"closed\":[1.5]}";
    assertTrue(tuples.accepts("{\"point\":[3,\"abc\"]" + rest));
    assertTrue(tuples.accepts("{\"point\":[3,\"a\"],\"row\":[],\"closed\":[]}"));
    for (String bad :
        List.of(
            "{\"point\":[3]" + rest, // minItems 2
            "{\"point\":[\"abc\",3]" + rest, // the tuple's order
            "{\"point\":[3,\"abc\",4]" + rest, // maxItems 2
            "{\"point\":[3,\"a\"],\"row\":[\"id\",true,1],\"closed\":[]}", // rest: null
            "{\"point\":[3,\"a\"],\"row\":[],\"closed\":[1,2]}")) { // items false
      assertFalse(tuples.accepts(bad), bad);
    }
    // draft 7's tuple: an array of items, then additionalItems
    JsonSchema draft7 =
        schema(
            "{\"type\":\"array\",\"items\":[{\"type\":\"integer\"},{\"type\":\"null\"}],"
                + "\"additionalItems\":{\"type\":\"boolean\"}}");
    assertTrue(draft7.accepts("[1,null,true,false]"));
    assertFalse(draft7.accepts("[1,2]"));
    assertFalse(draft7.accepts("[1,null,3]"));

    JsonSchema tree = schema(TREE);
    String deep =
        "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":3,\"children\":[]}]}]}";
    assertTrue(tree.accepts(deep));
    assertFalse(tree.accepts("{\"value\":1,\"children\":[{\"value\":2}]}"));
  }

  @Test
  void randomWalksEndInValidInstances() throws Exception {
    for (String text : SCHEMAS) {
      JsonSchema schema = schema(text);
      Random rnd = new Random(text.hashCode());
      int completed = 0;
      for (int walk = 0; walk < 200; walk++) {
        String out = walk(schema, rnd, 300);
        if (out != null) {
          completed++;
          assertTrue(valid(text, out), "recognizer completed an invalid text: " + out);
        }
      }
      assertTrue(completed >= 40, completed + " of 200 walks completed for " + text);
    }
  }

  @Test
  void generatedInstancesAreAcceptedAndMutantsItAcceptsAreValid() throws Exception {
    for (String text : SCHEMAS) {
      JsonSchema schema = schema(text);
      JsonNode schemaNode = JACKSON.readTree(text);
      Random rnd = new Random(31L * text.hashCode());
      int acceptedMutants = 0;
      for (int i = 0; i < 150; i++) {
        JsonNode instance = new InstanceGenerator(schemaNode, rnd).value(schemaNode, 0);
        String compact = JACKSON.writeValueAsString(instance);
        assertTrue(
            valid(text, compact), "the test's generator made an invalid instance " + compact);
        assertTrue(schema.accepts(compact), "rejected a valid instance: " + compact);
        for (int m = 0; m < 20; m++) {
          String mutant = mutate(compact, rnd);
          if (schema.accepts(mutant)) {
            acceptedMutants++;
            assertTrue(valid(text, mutant), "accepted " + mutant + " (from " + compact + ")");
          }
        }
      }
      assertTrue(acceptedMutants > 0, "no mutant was accepted for " + text);
    }
  }

  @Test
  void nestingStopsAtTheDepthLimit() throws Exception {
    JsonSchema any = schema("{\"type\":\"array\"}");
    int max = SchemaRecognizer.MAX_DEPTH;
    assertTrue(any.accepts("[".repeat(max) + "]".repeat(max)));
    assertTrue(any.acceptsPrefix("[".repeat(max) + "1"));
    assertFalse(any.acceptsPrefix("[".repeat(max + 1)));
  }

  @Test
  void theCompiledRootNeedsAnObjectOrAnArray() {
    assertEquals(
        "at the root: the schema's root must be an object or an array",
        rejection("{\"type\":\"string\"}").getMessage());
  }

  @Test
  void whatCannotBeEnforcedIsRefusedWithItsPlace() {
    assertEquals(
        "/properties/name/uniqueItems",
        rejection(
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"array\",\"uniqueItems\":true}}}")
            .pointer());
    assertEquals(
        "/items/oneOf",
        rejection(
                "{\"type\":\"array\",\"items\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"number\"}]}}")
            .pointer());
    assertEquals(
        "/oneOf",
        rejection(
                "{\"oneOf\":[{\"type\":\"object\",\"properties\":{\"k\":{\"const\":1}}},"
                    + "{\"type\":\"object\",\"properties\":{\"k\":{\"const\":2}}}]}")
            .pointer(),
        "a discriminator that is not required does not tell the options apart");
    assertEquals(
        "/$defs/x", rejection("{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/x\"}}").pointer());
    assertEquals("", rejection("{\"type\":\"array\",\"minItems\":3,\"maxItems\":2}").pointer());
    assertEquals(
        "",
        rejection("{\"prefixItems\":[{},{}],\"items\":false,\"minItems\":3}").pointer(),
        "a closed tuple shorter than minItems");
    assertEquals(
        "/additionalItems", rejection("{\"type\":\"array\",\"additionalItems\":false}").pointer());
    assertEquals("/prefixItems/1", rejection("{\"prefixItems\":[{},false]}").pointer());
    assertEquals(
        "/properties/a",
        rejection(
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"enum\":[\"x\"]}}}")
            .pointer());
    assertEquals(
        "/required",
        rejection("{\"type\":\"object\",\"properties\":{},\"required\":[\"a\"]}").pointer());
    assertEquals(
        "/items/type", rejection("{\"type\":\"array\",\"items\":{\"type\":\"date\"}}").pointer());
  }

  @Test
  void anAnyOfThatContainsItselfIsRefused() {
    String schema =
        "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/loop\"}},"
            + "\"$defs\":{\"loop\":{\"anyOf\":[{\"$ref\":\"#/$defs/loop\"},{\"type\":\"null\"}]}}}";
    assertEquals(
        "at the root: an anyOf contains itself through $ref", rejection(schema).getMessage());
  }

  private static UnsupportedSchemaException rejection(String schema) {
    try {
      JsonSchema.compile(JACKSON.readTree(schema));
    } catch (UnsupportedSchemaException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("compiled: " + schema);
  }

  /** A random walk over {@link #ALPHABET} through live states; the text if it completed. */
  private static String walk(JsonSchema schema, Random rnd, int maxChars) {
    return walk(schema, rnd, maxChars, ALPHABET, false);
  }

  /**
   * A random walk over {@code alphabet} through live states (failing at a live state with no
   * continuation); the text if it completed, else null. {@code favourQuotes}: where a quote may
   * come, take it one time in eight, so that unbounded strings end.
   */
  static String walk(
      JsonSchema schema, Random rnd, int maxChars, String alphabet, boolean favourQuotes) {
    State s = SchemaRecognizer.start(schema.root());
    StringBuilder out = new StringBuilder();
    List<Character> live = new ArrayList<>();
    while (!s.complete() && out.length() < maxChars) {
      live.clear();
      for (char c : alphabet.toCharArray()) {
        if (SchemaRecognizer.step(s, c).alive()) {
          live.add(c);
        }
      }
      if (favourQuotes && live.contains('"') && rnd.nextInt(8) == 0) {
        live.retainAll(List.of('"'));
      }
      if (live.isEmpty()) {
        fail("a live state has no continuation after " + out);
      }
      char c = live.get(rnd.nextInt(live.size()));
      out.append(c);
      s = SchemaRecognizer.step(s, c);
    }
    return s.complete() ? out.toString() : null;
  }

  private static String mutate(String text, Random rnd) {
    int at = rnd.nextInt(text.length());
    char c = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
    return switch (rnd.nextInt(3)) {
      case 0 -> text.substring(0, at) + text.substring(at + 1);
      case 1 -> text.substring(0, at) + c + text.substring(at);
      default -> text.substring(0, at) + c + text.substring(at + 1);
    };
  }

  static JsonSchema schema(String text) throws Exception {
    return JsonSchema.compile(JACKSON.readTree(text));
  }

  /** The reference: strict Jackson parses the text and networknt finds no error. */
  static boolean valid(String schema, String text) throws Exception {
    JsonNode instance;
    try {
      instance = JACKSON.readTree(text);
    } catch (Exception e) {
      return false;
    }
    com.networknt.schema.JsonSchema validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(JACKSON.readTree(schema));
    Set<ValidationMessage> errors = validator.validate(instance);
    return errors.isEmpty();
  }
}
