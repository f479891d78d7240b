package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.generate.GuidedText;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.grammar.Grammar;
import dev.shallows.engine.generate.json.schema.JsonSchema;
import dev.shallows.engine.generate.regex.TextPattern;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.openai.SamplingFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Guided decoding as vLLM's server takes it: {@code structured_outputs: {"regex": ...}}, {@code
 * {"choice": [...]}} or {@code {"grammar": ...}}, or the older {@code guided_regex} / {@code
 * guided_choice} / {@code guided_grammar}, and llama.cpp's {@code grammar}. The whole reply is then
 * one match of the regex (ECMA-262 syntax, as JSON Schema patterns), one of the choices, or one
 * text of the GBNF grammar.
 */
final class GuidedOutputs {

  private static final int MAX_CHOICES = 256;

  private GuidedOutputs() {}

  /** Sets the text pattern on {@code b}; a 400 naming the field for anything invalid. */
  static void apply(SamplingFields r, SamplingParams.Builder b) {
    int given =
        (r.structuredOutputs != null && !r.structuredOutputs.isNull() ? 1 : 0)
            + (r.guidedRegex != null ? 1 : 0)
            + (r.guidedChoice != null && !r.guidedChoice.isNull() ? 1 : 0)
            + (r.guidedJson != null && !r.guidedJson.isNull() ? 1 : 0)
            + (r.guidedGrammar != null ? 1 : 0)
            + (r.grammar != null ? 1 : 0);
    if (given == 0) {
      return;
    }
    if (given > 1) {
      throw ApiException.badRequest(
          "structured_outputs",
          "give one of structured_outputs, guided_regex, guided_choice, guided_json,"
              + " guided_grammar and grammar");
    }
    if (json(r)
        && r.responseFormat != null
        && !r.responseFormat.isNull()
        && !"text".equals(r.responseFormat.path("type").asText())) {
      throw ApiException.badRequest(
          "structured_outputs", "give the JSON format once: in response_format or here");
    }
    if (r.guidedRegex != null) {
      b.textPattern(regex(r.guidedRegex, "guided_regex"));
    } else if (r.guidedChoice != null) {
      b.textPattern(choice(r.guidedChoice, "guided_choice"));
    } else if (r.guidedJson != null) {
      b.jsonSchema(schema(r.guidedJson, "guided_json"));
    } else if (r.guidedGrammar != null) {
      b.textPattern(grammar(r.guidedGrammar, "guided_grammar"));
    } else if (r.grammar != null) {
      b.textPattern(grammar(r.grammar, "grammar"));
    } else {
      structured(r.structuredOutputs, b);
    }
  }

  /** Whether the request asks for JSON by guided_json or structured_outputs.json(_object). */
  static boolean json(SamplingFields r) {
    JsonNode s = r.structuredOutputs;
    return (r.guidedJson != null && !r.guidedJson.isNull())
        || (s != null && s.isObject() && (s.has("json") || s.has("json_object")));
  }

  private static void structured(JsonNode s, SamplingParams.Builder b) {
    String at = "structured_outputs";
    if (!s.isObject() || s.size() != 1) {
      throw ApiException.badRequest(
          at,
          "structured_outputs must be an object with one of 'regex', 'choice', 'grammar', 'json'"
              + " and 'json_object'");
    }
    String key = s.fieldNames().next();
    JsonNode v = s.get(key);
    switch (key) {
      case "regex" -> {
        if (!v.isTextual()) {
          throw ApiException.badRequest(at + ".regex", "regex must be a string");
        }
        b.textPattern(regex(v.textValue(), at + ".regex"));
      }
      case "choice" -> b.textPattern(choice(v, at + ".choice"));
      case "grammar" -> {
        if (!v.isTextual()) {
          throw ApiException.badRequest(at + ".grammar", "grammar must be a string (GBNF)");
        }
        b.textPattern(grammar(v.textValue(), at + ".grammar"));
      }
      case "json" -> b.jsonSchema(schema(v, at + ".json"));
      case "json_object" -> {
        if (!v.isBoolean()) {
          throw ApiException.badRequest(at + ".json_object", "json_object must be a boolean");
        }
        b.jsonObject(v.booleanValue());
      }
      default ->
          throw ApiException.badRequest(
              at + "." + key,
              "'" + key + "' is not supported (regex, choice, grammar, json, json_object)");
    }
  }

  /** A JSON schema given as an object or as its JSON text (vLLM takes both). */
  private static JsonSchema schema(JsonNode v, String at) {
    JsonNode schema = v;
    if (v.isTextual()) {
      try {
        schema = JSON.readTree(v.textValue());
      } catch (java.io.IOException e) {
        throw ApiException.badRequest(at, "the schema text is not JSON: " + e.getMessage());
      }
    }
    if (schema == null || !(schema.isObject() || schema.isBoolean())) {
      throw ApiException.badRequest(at, "a JSON schema must be an object (or its JSON text)");
    }
    return ResponseFormats.compile(schema, at);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private static TextPattern regex(String regex, String at) {
    try {
      return TextPattern.regex(regex);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(at, "regex: " + e.getMessage());
    }
  }

  private static GuidedText grammar(String gbnf, String at) {
    try {
      return Grammar.gbnf(gbnf);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(at, e.getMessage());
    }
  }

  private static TextPattern choice(JsonNode v, String at) {
    if (!v.isArray() || v.isEmpty() || v.size() > MAX_CHOICES) {
      throw ApiException.badRequest(
          at, "choice must be an array of 1 to " + MAX_CHOICES + " non-empty strings");
    }
    List<String> choices = new ArrayList<>();
    for (JsonNode c : v) {
      if (!c.isTextual() || c.textValue().isEmpty()) {
        throw ApiException.badRequest(at, "each choice must be a non-empty string");
      }
      choices.add(c.textValue());
    }
    return TextPattern.choice(choices);
  }
}
