package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.json.schema.JsonSchema;
import dev.shallows.engine.generate.json.schema.UnsupportedSchemaException;
import dev.shallows.server.error.ApiException;
import java.util.regex.Pattern;

/**
 * OpenAI's {@code response_format} (chat completions; completions too, as vLLM's): {@code text},
 * {@code json_object} (JSON mode) or {@code json_schema} (structured outputs: {@code {"name",
 * "schema", "strict", "description"}}), checked and applied to the sampling parameters.
 */
final class ResponseFormats {

  /** OpenAI's names of schemas and functions. */
  static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private static final String AT = "response_format";
  private static final String SCHEMA_AT = AT + ".json_schema";

  private ResponseFormats() {}

  /** Sets JSON mode or the schema on {@code b}; a 400 naming the field for anything invalid. */
  static void apply(JsonNode format, SamplingParams.Builder b) {
    if (format == null || format.isNull()) {
      return;
    }
    if (!format.isObject()) {
      throw ApiException.badRequest(AT, "response_format must be an object");
    }
    String type = format.path("type").asText();
    switch (type) {
      case "text" -> {}
      case "json_object" -> b.jsonObject(true);
      case "json_schema" -> b.jsonSchema(schema(format.get("json_schema")));
      default ->
          throw ApiException.badRequest(
              AT + ".type",
              "type must be 'text', 'json_object' or 'json_schema', got '" + type + "'");
    }
  }

  private static JsonSchema schema(JsonNode spec) {
    if (spec == null || !spec.isObject()) {
      throw ApiException.badRequest(
          SCHEMA_AT, "json_schema must be an object with a name and a schema");
    }
    JsonNode name = spec.get("name");
    if (name == null || !name.isTextual() || !NAME.matcher(name.textValue()).matches()) {
      throw ApiException.badRequest(
          SCHEMA_AT + ".name", "name must be 1-64 letters, digits, '_' or '-'");
    }
    JsonNode strict = spec.get("strict");
    if (strict != null && !strict.isNull() && !strict.isBoolean()) {
      throw ApiException.badRequest(SCHEMA_AT + ".strict", "strict must be a boolean");
    }
    JsonNode schema = spec.get("schema");
    if (schema == null || schema.isNull()) {
      throw ApiException.badRequest(SCHEMA_AT + ".schema", "schema is required");
    }
    return compile(schema, SCHEMA_AT + ".schema");
  }

  /** A schema compiled for decoding, or a 400 naming {@code param} and where in the schema. */
  static JsonSchema compile(JsonNode schema, String param) {
    try {
      return JsonSchema.compile(schema);
    } catch (UnsupportedSchemaException e) {
      throw ApiException.badRequest(param, "unsupported schema " + e.getMessage());
    }
  }
}
