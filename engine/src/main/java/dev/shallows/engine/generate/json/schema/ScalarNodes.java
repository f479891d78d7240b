package dev.shallows.engine.generate.json.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.NumberNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.StringNode;
import dev.shallows.engine.generate.regex.CharAutomaton;
import dev.shallows.engine.generate.regex.EcmaRegex;
import dk.brics.automaton.Automaton;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The compiled nodes of strings (lengths, {@code pattern}, {@code format}) and numbers (bounds):
 * plain nodes when a schema gives none of those keywords, automaton-backed ones otherwise.
 */
final class ScalarNodes {

  private ScalarNodes() {}

  static SchemaNode string(JsonNode s, String at) {
    int min = SchemaCompiler.count(s, "minLength", 0, at);
    int max = SchemaCompiler.count(s, "maxLength", Integer.MAX_VALUE, at);
    if (min > max) {
      throw new UnsupportedSchemaException(at, "minLength is above maxLength");
    }
    if (!s.has("pattern") && !s.has("format")) {
      return new StringNode(min, max);
    }
    Automaton pattern = null;
    if (s.has("pattern")) {
      try {
        pattern = EcmaRegex.search(SchemaCompiler.text(s, "pattern", at));
      } catch (IllegalArgumentException e) {
        throw new UnsupportedSchemaException(at + "/pattern", "pattern: " + e.getMessage());
      }
    }
    Automaton format = null;
    if (s.has("format")) {
      format = StringFormats.of(SchemaCompiler.text(s, "format", at));
      if (format == null) {
        throw new UnsupportedSchemaException(
            at + "/format",
            "format '"
                + s.get("format").textValue()
                + "' is not supported (supported: "
                + StringFormats.names()
                + ")");
      }
    }
    try {
      return new StringNode(CharAutomaton.of(pattern, format, min, max));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedSchemaException(at, e.getMessage());
    }
  }

  private static final List<String> BOUNDS =
      List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

  /**
   * An integer, bounded if the schema gives any of {@link #BOUNDS}, stepped by {@code multipleOf}.
   */
  static SchemaNode integer(JsonNode s, String at) {
    if (BOUNDS.stream().noneMatch(s::has) && !s.has("multipleOf")) {
      return new NumberNode(true);
    }
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    if (s.has("minimum")) {
      lo = Math.max(lo, bound(s, "minimum", RoundingMode.CEILING, 0, at));
    }
    if (s.has("exclusiveMinimum")) {
      lo = Math.max(lo, bound(s, "exclusiveMinimum", RoundingMode.FLOOR, 1, at));
    }
    if (s.has("maximum")) {
      hi = Math.min(hi, bound(s, "maximum", RoundingMode.FLOOR, 0, at));
    }
    if (s.has("exclusiveMaximum")) {
      hi = Math.min(hi, bound(s, "exclusiveMaximum", RoundingMode.CEILING, -1, at));
    }
    Automaton steps = multiples(s, at);
    try {
      Automaton range = EcmaRegex.search(IntegerRange.pattern(lo, hi));
      return new NumberNode(true, CharAutomaton.of(range, steps, 0, Integer.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedSchemaException(at, e.getMessage());
    }
  }

  /** The texts {@code multipleOf} allows, or null without it. */
  private static Automaton multiples(JsonNode s, String at) {
    JsonNode step = s.get("multipleOf");
    if (step == null) {
      return null;
    }
    try {
      if (!step.isNumber()) {
        throw new IllegalArgumentException("multipleOf must be a number");
      }
      return Multiples.of(step.decimalValue());
    } catch (IllegalArgumentException e) {
      throw new UnsupportedSchemaException(at + "/multipleOf", e.getMessage());
    }
  }

  /**
   * A number, bounded if the schema gives any of {@link #BOUNDS} (decimals, see {@link
   * NumberRange}), stepped by {@code multipleOf}.
   */
  static SchemaNode number(JsonNode s, String at) {
    if (BOUNDS.stream().noneMatch(s::has) && !s.has("multipleOf")) {
      return new NumberNode(false);
    }
    BigDecimal[] edge = {null, null};
    boolean[] exclusive = {false, false};
    for (String key : BOUNDS) {
      JsonNode v = s.get(key);
      if (v == null) {
        continue;
      }
      if (!v.isNumber()) {
        throw new UnsupportedSchemaException(at + "/" + key, key + " must be a number");
      }
      int side = key.contains("inimum") ? 0 : 1;
      boolean ex = key.startsWith("exclusive");
      BigDecimal value = v.decimalValue();
      int cmp = edge[side] == null ? (side == 0 ? 1 : -1) : value.compareTo(edge[side]);
      boolean tighter = side == 0 ? cmp > 0 || (cmp == 0 && ex) : cmp < 0 || (cmp == 0 && ex);
      if (tighter) {
        edge[side] = value;
        exclusive[side] = ex;
      }
    }
    Automaton steps = multiples(s, at);
    try {
      Automaton range = NumberRange.of(edge[0], exclusive[0], edge[1], exclusive[1]);
      return new NumberNode(false, CharAutomaton.of(range, steps, 0, Integer.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new UnsupportedSchemaException(at, e.getMessage());
    }
  }

  /**
   * An integer bound: the keyword's number rounded to an integer, plus {@code shift} (exclusive
   * bounds), clamped to just beyond the 16-digit numbers the decoder writes.
   */
  private static long bound(JsonNode s, String key, RoundingMode mode, int shift, String at) {
    JsonNode v = s.get(key);
    if (!v.isNumber()) {
      throw new UnsupportedSchemaException(at + "/" + key, key + " must be a number");
    }
    BigDecimal edge = BigDecimal.valueOf(IntegerRange.LIMIT + 1);
    BigDecimal b = v.decimalValue().setScale(0, mode).add(BigDecimal.valueOf(shift));
    return b.max(edge.negate()).min(edge).longValueExact();
  }
}
