package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * String {@code pattern} and {@code format}, and integer bounds, in schemas: the pattern
 * translation against {@code java.util.regex} (whose syntax and search semantics agree with
 * ECMA-262 on the strings used here), and the recognizer's completed texts against networknt's
 * validator with format assertions on.
 */
class StringPatternTest {

  @Test
  void whatIsNotRegularOrNotSupportedIsRefusedWithThePatternsPlace() {
    for (String p :
        List.of(
            "(?=a)b", "(a)\\1", "\\bword", "a{300}", "a^b", "(ab", "a)", "[ab", "*a", "\\p{L}")) {
      UnsupportedSchemaException e =
          rejection(object("{\"type\":\"string\",\"pattern\":" + q(p) + "}"));
      assertEquals("/properties/s/pattern", e.pointer(), p);
    }
    assertEquals(
        "/properties/s/format",
        rejection(object("{\"type\":\"string\",\"format\":\"iri\"}")).pointer());
    UnsupportedSchemaException empty =
        rejection(object("{\"type\":\"string\",\"pattern\":\"^a{3}$\",\"maxLength\":2}"));
    assertEquals("/properties/s", empty.pointer());
    assertTrue(empty.getMessage().contains("no value satisfies"), empty.getMessage());
  }

  @Test
  void patternedStringsFollowThePatternAndTheLengths() throws Exception {
    JsonSchema s =
        SchemaRecognizerTest.schema(
            object(
                "{\"type\":\"string\",\"pattern\":\"^[a-c]+$\",\"minLength\":2,\"maxLength\":3}"));
    assertTrue(s.accepts("{\"s\":\"ab\"}"));
    assertTrue(s.accepts("{\"s\":\"a\\u0062c\"}"), "an escape is one decoded character");
    assertFalse(s.acceptsPrefix("{\"s\":\"abca"));
    assertFalse(s.accepts("{\"s\":\"a\"}"));
    assertFalse(s.acceptsPrefix("{\"s\":\"ad"));
    assertFalse(s.acceptsPrefix("{\"s\":\"a\\u0064"), "the escape spells 'd'");
    assertFalse(s.acceptsPrefix("{\"s\":\"a\\u01"), "no character U+01xx continues");
    assertFalse(s.acceptsPrefix("{\"s\":\"a\\n"));
    JsonSchema unanchored =
        SchemaRecognizerTest.schema(object("{\"type\":\"string\",\"pattern\":\"ab\"}"));
    assertTrue(unanchored.accepts("{\"s\":\"xxabyy\"}"));
    assertFalse(unanchored.accepts("{\"s\":\"xxa\"}"));
    JsonSchema uuid =
        SchemaRecognizerTest.schema(object("{\"type\":\"string\",\"format\":\"uuid\"}"));
    assertTrue(uuid.accepts("{\"s\":\"123e4567-e89b-12d3-a456-426614174000\"}"));
    assertFalse(uuid.acceptsPrefix("{\"s\":\"123e4567e"));
  }

  /**
   * Each format, a pattern with escapes in play, a pattern inside an anyOf and an array, patterns
   * with length bounds, bounded integers and numbers, and multiples (bounded: networknt checks
   * multipleOf in doubles, which cannot tell 16-digit multiples apart).
   */
  private static final List<String> WALKED =
      List.of(
          "{\"type\":\"string\",\"format\":\"date\"}",
          "{\"type\":\"string\",\"format\":\"time\"}",
          "{\"type\":\"string\",\"format\":\"date-time\"}",
          "{\"type\":\"string\",\"format\":\"uuid\"}",
          "{\"type\":\"string\",\"format\":\"ipv4\"}",
          "{\"type\":\"string\",\"format\":\"hostname\"}",
          "{\"type\":\"string\",\"format\":\"email\"}",
          "{\"type\":\"string\",\"format\":\"ipv6\"}",
          "{\"type\":\"string\",\"format\":\"duration\"}",
          "{\"type\":\"string\",\"pattern\":\"^[\\\\\\\\\\\"/a-c]{1,4}\\\\n?$\"}",
          "{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"string\",\"pattern\":\"^(ab)+$\","
              + "\"maxLength\":4},{\"type\":\"string\",\"pattern\":\"^a\"}]},\"maxItems\":3}",
          "{\"type\":\"string\",\"pattern\":\"x\",\"format\":\"email\",\"maxLength\":12}",
          "{\"type\":\"string\",\"pattern\":\"^a|b\",\"minLength\":3,\"maxLength\":5}",
          "{\"type\":\"string\",\"pattern\":\"c$\",\"minLength\":4}",
          "{\"type\":\"string\",\"pattern\":\"^(?:ab)*$\",\"minLength\":3,\"maxLength\":60}",
          "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":-5,\"maximum\":130},"
              + "\"maxItems\":4}",
          "{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"integer\",\"exclusiveMinimum\":10.5,"
              + "\"exclusiveMaximum\":1000},{\"type\":[\"integer\",\"null\"],\"maximum\":-3}]},"
              + "\"maxItems\":3}",
          "{\"type\":\"array\",\"items\":{\"type\":\"number\",\"minimum\":-1,\"exclusiveMaximum\":2},"
              + "\"maxItems\":4}",
          "{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":1}",
          "{\"type\":\"array\",\"items\":{\"type\":\"number\",\"minimum\":-2.75,"
              + "\"exclusiveMaximum\":3.125},\"maxItems\":4}",
          "{\"type\":\"number\",\"exclusiveMinimum\":0.05,\"maximum\":0.5,\"multipleOf\":0.01}",
          "{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"multipleOf\":7,\"minimum\":-50,"
              + "\"maximum\":1000000},"
              + "\"maxItems\":4}",
          "{\"type\":\"array\",\"items\":{\"type\":\"number\",\"multipleOf\":0.01,\"minimum\":0,"
              + "\"maximum\":100},\"maxItems\":4}");

  /** Characters of the walks: all the formats need, escapes, and some that none allows. */
  private static final String WALK_CHARS =
      "{}[],0123456789abcdeflsxyzABCTZPYMWDHS:.-+@_ \"\\/nu\u00e9";

  @Test
  void randomWalksThroughPatternsEndInValidValues() throws Exception {
    for (String value : WALKED) {
      String text = value.startsWith("{\"type\":\"array\"") ? value : object(value);
      JsonSchema schema = SchemaRecognizerTest.schema(text);
      Random rnd = new Random(text.hashCode());
      int completed = 0;
      for (int walk = 0; walk < 120; walk++) {
        String out = SchemaRecognizerTest.walk(schema, rnd, 200, WALK_CHARS, true);
        if (out != null) {
          completed++;
          assertTrue(
              validWithFormats(text, out), "completed an invalid text: " + out + " for " + text);
        }
      }
      assertTrue(completed >= 20, completed + " of 120 walks completed for " + text);
    }
  }

  @Test
  void theReferenceChecksEveryFormatWalked() throws Exception {
    // otherwise the walks through a format would pass whatever the decoder wrote
    for (String[] bad :
        new String[][] {
          {"date", "2024-02-30"},
          {"time", "25:00:00Z"},
          {"date-time", "2024-01-01"},
          {"uuid", "123"},
          {"ipv4", "1.2.3.256"},
          {"hostname", "a..b"},
          {"email", "a@"},
          {"ipv6", "1:2:3"},
          {"duration", "P"}
        }) {
      String schema = object("{\"type\":\"string\",\"format\":\"" + bad[0] + "\"}");
      assertFalse(validWithFormats(schema, "{\"s\":\"" + bad[1] + "\"}"), bad[0] + " " + bad[1]);
    }
  }

  @Test
  void boundedNumbersStayInTheirRange() throws Exception {
    JsonSchema s =
        SchemaRecognizerTest.schema(
            object("{\"type\":\"number\",\"exclusiveMinimum\":0,\"maximum\":1}"));
    assertTrue(s.accepts("{\"s\":0.5}"));
    assertTrue(s.accepts("{\"s\":1.000}"));
    assertTrue(s.accepts("{\"s\":1}"));
    assertFalse(s.accepts("{\"s\":0}"));
    assertFalse(s.acceptsPrefix("{\"s\":0.00}"), "0.00 can still become 0.001");
    assertFalse(s.acceptsPrefix("{\"s\":1.01"));
    assertFalse(s.acceptsPrefix("{\"s\":1e"), "no exponent in a bounded number");
    assertFalse(s.acceptsPrefix("{\"s\":-"));
  }

  @Test
  void multiplesAreMultiples() throws Exception {
    JsonSchema sevens =
        SchemaRecognizerTest.schema(object("{\"type\":\"integer\",\"multipleOf\":7}"));
    for (int v = -100; v <= 100; v++) {
      assertEquals(v % 7 == 0, sevens.accepts("{\"s\":" + v + "}"), "value " + v);
    }
    JsonSchema cents =
        SchemaRecognizerTest.schema(
            object("{\"type\":\"number\",\"multipleOf\":0.01,\"maximum\":10}"));
    assertTrue(cents.accepts("{\"s\":9.99}"));
    assertTrue(cents.accepts("{\"s\":-3.5}"));
    assertFalse(cents.acceptsPrefix("{\"s\":1.005"));
    assertFalse(cents.accepts("{\"s\":10.01}"));
    assertEquals(
        "/properties/s/multipleOf",
        rejection(object("{\"type\":\"number\",\"multipleOf\":0.3}")).pointer());
    assertEquals(
        "/properties/s/multipleOf",
        rejection(object("{\"type\":\"integer\",\"multipleOf\":-2}")).pointer());
  }

  @Test
  void boundedIntegersStayInTheirRange() throws Exception {
    JsonSchema s =
        SchemaRecognizerTest.schema(
            object("{\"type\":\"integer\",\"minimum\":-5,\"exclusiveMaximum\":131}"));
    for (int v = -20; v <= 200; v++) {
      assertEquals(v >= -5 && v <= 130, s.accepts("{\"s\":" + v + "}"), "value " + v);
    }
    assertFalse(s.acceptsPrefix("{\"s\":-0"));
    assertFalse(s.acceptsPrefix("{\"s\":01"));
    assertFalse(s.acceptsPrefix("{\"s\":1.5"));
    assertTrue(s.accepts("{\"s\":0 }"));
    assertEquals(
        "/properties/s",
        rejection(object("{\"type\":\"number\",\"minimum\":1e-40}")).pointer(),
        "a bound with more decimals than compared");
    assertEquals(
        "/properties/s",
        rejection(object("{\"type\":\"number\",\"minimum\":0.5,\"exclusiveMaximum\":0.5}"))
            .pointer());
    assertEquals(
        "/properties/s",
        rejection(object("{\"type\":\"integer\",\"minimum\":3,\"maximum\":2.5}")).pointer());
    assertEquals(
        "/properties/s/maximum",
        rejection(object("{\"type\":\"integer\",\"maximum\":\"9\"}")).pointer());
  }

  private static boolean validWithFormats(String schema, String text) throws Exception {
    JsonNode instance;
    try {
      instance = SchemaRecognizerTest.JACKSON.readTree(text);
    } catch (Exception e) {
      return false;
    }
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(SchemaRecognizerTest.JACKSON.readTree(schema), config)
        .validate(instance)
        .isEmpty();
  }

  private static String object(String property) {
    return "{\"type\":\"object\",\"properties\":{\"s\":" + property + "},\"required\":[\"s\"]}";
  }

  private static String q(String s) throws RuntimeException {
    try {
      return SchemaRecognizerTest.JACKSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static UnsupportedSchemaException rejection(String schema) {
    try {
      JsonSchema.compile(SchemaRecognizerTest.JACKSON.readTree(schema));
    } catch (UnsupportedSchemaException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("compiled: " + schema);
  }
}
