package dev.shallows.engine.generate.json.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random instances of the schemas the tests use, read straight from the schema's JSON (a test-side
 * generator, independent of the compiler; its outputs are checked against networknt's validator).
 * Declared properties come in schema order, optional ones half the time.
 */
final class InstanceGenerator {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String STRING_CHARS = "ab \"\\/\u00e9\n\u0001x\u20ac";

  private final JsonNode document;
  private final Random rnd;

  InstanceGenerator(JsonNode document, Random rnd) {
    this.document = document;
    this.rnd = rnd;
  }

  JsonNode value(JsonNode s, int depth) {
    if (s.has("$ref")) {
      return value(document.at(s.get("$ref").asText().substring(1)), depth + 1);
    }
    for (String k : List.of("anyOf", "oneOf")) { // oneOf: the tested ones have disjoint options
      if (s.has(k)) {
        JsonNode any = s.get(k);
        return value(any.get(rnd.nextInt(any.size())), depth);
      }
    }
    if (s.has("const")) {
      return s.get("const");
    }
    if (s.has("enum")) {
      JsonNode e = s.get("enum");
      return e.get(rnd.nextInt(e.size()));
    }
    List<String> types = new ArrayList<>();
    JsonNode t = s.get("type");
    if (t == null) {
      types.addAll(List.of("object", "array", "string", "number", "integer", "boolean", "null"));
      if (depth > 2) {
        types.removeAll(List.of("object", "array"));
      }
    } else if (t.isArray()) {
      t.forEach(x -> types.add(x.asText()));
    } else {
      types.add(t.asText());
    }
    String type = types.get(rnd.nextInt(types.size()));
    return switch (type) {
      case "object" -> object(s, depth);
      case "array" -> array(s, depth);
      case "string" ->
          F.textNode(string(s.path("minLength").asInt(0), s.path("maxLength").asInt(6)));
      case "integer" -> F.numberNode(rnd.nextInt(2001) - 1000);
      case "number" ->
          rnd.nextBoolean()
              ? F.numberNode(rnd.nextInt(100))
              // a float: at most 9 significant digits, within the decoder's 16 per number part
              : F.numberNode(
                  (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(30) - 15)));
      case "boolean" -> F.booleanNode(rnd.nextBoolean());
      default -> F.nullNode();
    };
  }

  private ObjectNode object(JsonNode s, int depth) {
    ObjectNode o = F.objectNode();
    JsonNode props = s.get("properties");
    if (props != null) {
      List<String> required = new ArrayList<>();
      s.path("required").forEach(r -> required.add(r.asText()));
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        if (required.contains(p.getKey()) || (depth < 4 && rnd.nextBoolean())) {
          o.set(p.getKey(), value(p.getValue(), depth + 1));
        }
      }
      return o;
    }
    JsonNode extra = s.has("additionalProperties") ? s.get("additionalProperties") : F.objectNode();
    int n = depth < 3 ? rnd.nextInt(3) : 0;
    for (int i = 0; i < n; i++) {
      o.set(string(0, 4) + i, value(extra, depth + 1));
    }
    return o;
  }

  private ArrayNode array(JsonNode s, int depth) {
    ArrayNode a = F.arrayNode();
    int min = s.path("minItems").asInt(0);
    int max = Math.min(s.path("maxItems").asInt(3), depth < 3 ? 3 : min);
    JsonNode prefix = s.path("prefixItems"); // a tuple's first items
    JsonNode items = s.has("items") ? s.get("items") : F.objectNode();
    if (items.isBoolean() && !items.booleanValue()) {
      max = Math.min(max, prefix.size());
    }
    int n = min + rnd.nextInt(Math.max(1, max - min + 1));
    for (int i = 0; i < n; i++) {
      a.add(value(i < prefix.size() ? prefix.get(i) : items, depth + 1));
    }
    return a;
  }

  private String string(int min, int max) {
    int n = min + rnd.nextInt(max - min + 1);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(STRING_CHARS.charAt(rnd.nextInt(STRING_CHARS.length())));
    }
    return b.toString();
  }
}
