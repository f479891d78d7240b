package dev.shallows.engine.generate.json.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.shallows.engine.generate.json.schema.SchemaNode.AnyOfNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ArrayNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.LiteralNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.ObjectNode;
import dev.shallows.engine.generate.json.schema.SchemaNode.Property;
import dev.shallows.engine.generate.json.schema.SchemaNode.RefNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the supported subset of JSON Schema (2020-12 and draft 7 spellings) into {@link
 * SchemaNode}s. Every keyword it cannot enforce while generating is refused with its location,
 * rather than ignored: an output that breaks a constraint the caller asked for is worse than a
 * clear error.
 */
final class SchemaCompiler {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Writes enum/const values and property names with non-ASCII characters escaped ({@code
   * "caf\u00e9"}): a vocabulary that spells "é" only as two byte tokens (whose texts are U+FFFD
   * each) can still write the value, in ASCII.
   */
  private static final ObjectWriter LITERALS =
      JSON.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);

  /** Keywords that describe and never constrain. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "$schema",
          "$id",
          "$comment",
          "$anchor",
          "title",
          "description",
          "default",
          "examples",
          "deprecated",
          "readOnly",
          "writeOnly",
          "$defs",
          "definitions",
          "discriminator");

  private static final Set<String> TYPES =
      Set.of("object", "array", "string", "number", "integer", "boolean", "null");

  private final JsonNode document;
  private final Map<String, RefNode> refs = new HashMap<>();
  private final Map<String, List<SchemaNode>> oneOfs = new java.util.LinkedHashMap<>();

  private SchemaCompiler(JsonNode document) {
    this.document = document;
  }

  /** The root node of {@code schema}; it must describe an object or an array. */
  static SchemaNode compile(JsonNode schema) {
    SchemaCompiler c = new SchemaCompiler(schema);
    SchemaNode root = c.node(schema, "");
    c.resolveRefs();
    SchemaRecognizer.checkExpansions(root);
    c.oneOfs.forEach(
        (at, options) -> {
          if (!OneOfCheck.disjoint(options)) {
            throw new UnsupportedSchemaException(
                at,
                "oneOf is supported when no value can match two options (different types, or"
                    + " objects told apart by a required const/enum property); use anyOf");
          }
        });
    SchemaNode start = SchemaNode.resolve(root);
    if (!(start instanceof ObjectNode) && !(start instanceof ArrayNode)) {
      throw new UnsupportedSchemaException("", "the schema's root must be an object or an array");
    }
    return root;
  }

  private SchemaNode node(JsonNode s, String at) {
    if (s.isBoolean()) {
      if (s.booleanValue()) {
        return SchemaNode.ANY;
      }
      throw new UnsupportedSchemaException(at, "the schema false matches nothing");
    }
    if (!s.isObject()) {
      throw new UnsupportedSchemaException(at, "a schema must be an object or a boolean");
    }
    checkKeywords(s, at);
    if (s.has("$ref")) {
      if (s.size() - annotationCount(s) > 1) {
        throw new UnsupportedSchemaException(at, "$ref beside other constraints is not supported");
      }
      return ref(text(s, "$ref", at), at);
    }
    if (s.has("allOf")) {
      JsonNode all = s.get("allOf");
      if (!all.isArray() || all.size() != 1 || s.size() - annotationCount(s) > 1) {
        throw new UnsupportedSchemaException(
            at + "/allOf", "allOf is supported with one schema and no other constraints only");
      }
      return node(all.get(0), at + "/allOf/0");
    }
    for (String k : List.of("anyOf", "oneOf")) {
      if (!s.has(k)) {
        continue;
      }
      if (s.size() - annotationCount(s) > 1) {
        throw new UnsupportedSchemaException(at, k + " beside other constraints is not supported");
      }
      JsonNode any = s.get(k);
      if (!any.isArray() || any.isEmpty()) {
        throw new UnsupportedSchemaException(at + "/" + k, k + " must be a non-empty array");
      }
      List<SchemaNode> options = new ArrayList<>();
      for (int i = 0; i < any.size(); i++) {
        options.add(node(any.get(i), at + "/" + k + "/" + i));
      }
      if (k.equals("oneOf")) {
        oneOfs.put(at + "/oneOf", List.copyOf(options)); // checked once the refs are resolved
      }
      return options.size() == 1 ? options.get(0) : new AnyOfNode(List.copyOf(options));
    }
    Set<String> types = types(s, at);
    if (s.has("enum") || s.has("const")) {
      return literals(s, types, at);
    }
    List<SchemaNode> options = new ArrayList<>();
    for (String type : types) {
      options.add(typed(s, type, at));
    }
    return options.size() == 1 ? options.get(0) : new AnyOfNode(List.copyOf(options));
  }

  /** The types a schema allows: its "type", else inferred from its keywords, else all. */
  private static Set<String> types(JsonNode s, String at) {
    JsonNode t = s.get("type");
    Set<String> types = new LinkedHashSet<>();
    if (t == null) {
      if (s.has("properties") || s.has("required") || s.has("additionalProperties")) {
        types.add("object");
      }
      if (s.has("items") || s.has("prefixItems") || s.has("minItems") || s.has("maxItems")) {
        types.add("array");
      }
      if (s.has("minLength") || s.has("maxLength") || s.has("pattern") || s.has("format")) {
        types.add("string");
      }
      if (types.isEmpty()) {
        types.addAll(List.of("object", "array", "string", "number", "boolean", "null"));
      }
      return types;
    }
    for (JsonNode one : t.isArray() ? t : List.of(t)) {
      if (!one.isTextual() || !TYPES.contains(one.textValue())) {
        throw new UnsupportedSchemaException(at + "/type", "unknown type " + one);
      }
      types.add(one.textValue());
    }
    if (types.isEmpty()) {
      throw new UnsupportedSchemaException(at + "/type", "type lists no type");
    }
    if (types.contains("number")) {
      types.remove("integer"); // every integer is a number
    }
    return types;
  }

  private SchemaNode typed(JsonNode s, String type, String at) {
    return switch (type) {
      case "object" -> object(s, at);
      case "array" -> array(s, at);
      case "string" -> ScalarNodes.string(s, at);
      case "number" -> ScalarNodes.number(s, at);
      case "integer" -> ScalarNodes.integer(s, at);
      case "boolean" -> new LiteralNode(List.of("true", "false"));
      default -> new LiteralNode(List.of("null"));
    };
  }

  private SchemaNode object(JsonNode s, String at) {
    Set<String> required = new LinkedHashSet<>();
    JsonNode req = s.get("required");
    if (req != null) {
      if (!req.isArray()) {
        throw new UnsupportedSchemaException(at + "/required", "required must be an array");
      }
      for (JsonNode r : req) {
        if (!r.isTextual()) {
          throw new UnsupportedSchemaException(at + "/required", "required lists strings");
        }
        required.add(r.textValue());
      }
    }
    JsonNode props = s.get("properties");
    List<Property> properties = new ArrayList<>();
    if (props != null) {
      if (!props.isObject()) {
        throw new UnsupportedSchemaException(at + "/properties", "properties must be an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        String where = at + "/properties/" + pointerEscape(p.getKey());
        properties.add(
            new Property(
                p.getKey(),
                literal(JSON.getNodeFactory().textNode(p.getKey())),
                node(p.getValue(), where),
                required.contains(p.getKey())));
      }
    }
    for (String r : required) {
      if (properties.stream().noneMatch(p -> p.name().equals(r))) {
        throw new UnsupportedSchemaException(
            at + "/required", "required property '" + r + "' is not among the properties");
      }
    }
    JsonNode extra = s.get("additionalProperties");
    SchemaNode free = null;
    if (properties.isEmpty() && !(extra != null && extra.isBoolean() && !extra.booleanValue())) {
      free = extra == null ? SchemaNode.ANY : node(extra, at + "/additionalProperties");
    }
    return new ObjectNode(properties, free);
  }

  private SchemaNode array(JsonNode s, String at) {
    if (s.has("uniqueItems") && s.get("uniqueItems").asBoolean()) {
      throw new UnsupportedSchemaException(at + "/uniqueItems", "uniqueItems is not supported");
    }
    // a tuple: prefixItems (2020-12) then items, or (draft 7) an array of items then
    // additionalItems
    boolean draft7Tuple = s.has("items") && s.get("items").isArray();
    String prefixKey = draft7Tuple ? "items" : "prefixItems";
    String restKey = draft7Tuple ? "additionalItems" : "items";
    if (draft7Tuple && s.has("prefixItems")) {
      throw new UnsupportedSchemaException(
          at + "/items", "give prefixItems or an array of items, not both");
    }
    if (!draft7Tuple && s.has("additionalItems")) {
      throw new UnsupportedSchemaException(
          at + "/additionalItems", "additionalItems needs an array of items before it");
    }
    List<SchemaNode> prefix = new ArrayList<>();
    JsonNode tuple = s.get(prefixKey);
    if (tuple != null) {
      if (!tuple.isArray()) {
        throw new UnsupportedSchemaException(at + "/" + prefixKey, prefixKey + " must be an array");
      }
      for (int i = 0; i < tuple.size(); i++) {
        prefix.add(node(tuple.get(i), at + "/" + prefixKey + "/" + i));
      }
    }
    int min = count(s, "minItems", 0, at);
    int max = count(s, "maxItems", Integer.MAX_VALUE, at);
    JsonNode rest = s.get(restKey);
    SchemaNode item = SchemaNode.ANY;
    if (rest != null && rest.isBoolean() && !rest.booleanValue()) {
      max = Math.min(max, prefix.size()); // no items after the tuple (if any)
    } else if (rest != null) {
      item = node(rest, at + "/" + restKey);
    }
    if (min > max) {
      throw new UnsupportedSchemaException(
          at, "minItems is above maxItems (or the length of a closed tuple)");
    }
    return new ArrayNode(List.copyOf(prefix), item, min, max);
  }

  /** enum / const: the allowed values (of the allowed types), each written compactly. */
  private SchemaNode literals(JsonNode s, Set<String> types, String at) {
    List<JsonNode> values = new ArrayList<>();
    if (s.has("const")) {
      values.add(s.get("const"));
    }
    if (s.has("enum")) {
      if (!s.get("enum").isArray()) {
        throw new UnsupportedSchemaException(at + "/enum", "enum must be an array");
      }
      s.get("enum").forEach(values::add);
      if (s.has("const")) {
        values.removeIf(v -> !v.equals(s.get("const")));
      }
    }
    Set<String> texts = new LinkedHashSet<>();
    for (JsonNode v : values) {
      if (types.contains(typeOf(v)) || (typeOf(v).equals("integer") && types.contains("number"))) {
        texts.add(literal(v));
      }
    }
    if (texts.isEmpty()) {
      throw new UnsupportedSchemaException(at, "no value of enum/const fits the schema");
    }
    return new LiteralNode(List.copyOf(texts));
  }

  private static String typeOf(JsonNode v) {
    if (v.isIntegralNumber()) {
      return "integer";
    }
    return switch (v.getNodeType()) {
      case OBJECT -> "object";
      case ARRAY -> "array";
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      default -> "null";
    };
  }

  private RefNode ref(String ref, String at) {
    if (!ref.equals("#") && !ref.startsWith("#/")) {
      throw new UnsupportedSchemaException(at + "/$ref", "only local references (#/...) work");
    }
    return refs.computeIfAbsent(ref, RefNode::new);
  }

  /** Compiles every referenced schema, including those that only references reach. */
  private void resolveRefs() {
    Set<String> done = new java.util.HashSet<>();
    while (done.size() < refs.size()) {
      for (RefNode r : List.copyOf(refs.values())) {
        if (done.add(r.ref)) {
          JsonNode target = document.at(r.ref.substring(1));
          if (target.isMissingNode()) {
            throw new UnsupportedSchemaException(
                r.ref.substring(1), "$ref " + r.ref + " points nowhere");
          }
          r.target = node(target, r.ref.substring(1));
        }
      }
    }
    for (RefNode r : refs.values()) {
      SchemaNode n = r.target;
      for (int hops = 0; n instanceof RefNode next; hops++) {
        if (hops > refs.size()) {
          throw new UnsupportedSchemaException(
              r.ref.substring(1), "$ref " + r.ref + " refers to itself");
        }
        n = next.target;
      }
    }
  }

  private static void checkKeywords(JsonNode s, String at) {
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ANNOTATIONS.contains(k) && !SUPPORTED.contains(k)) {
        throw new UnsupportedSchemaException(
            at + "/" + pointerEscape(k), "'" + k + "' is not supported");
      }
    }
  }

  private static final Set<String> SUPPORTED =
      Set.of(
          "$ref",
          "allOf",
          "anyOf",
          "oneOf",
          "type",
          "enum",
          "const",
          "properties",
          "required",
          "additionalProperties",
          "items",
          "prefixItems",
          "additionalItems",
          "minItems",
          "maxItems",
          "uniqueItems",
          "minLength",
          "maxLength",
          "pattern",
          "format",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "multipleOf");

  private static int annotationCount(JsonNode s) {
    int n = 0;
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      n += ANNOTATIONS.contains(it.next()) ? 1 : 0;
    }
    return n;
  }

  static int count(JsonNode s, String key, int absent, String at) {
    JsonNode v = s.get(key);
    if (v == null) {
      return absent;
    }
    if (!v.canConvertToExactIntegral() || v.asLong() < 0 || v.asLong() > 1_000_000) {
      throw new UnsupportedSchemaException(
          at + "/" + key, key + " must be an integer in [0, 1000000]");
    }
    return v.asInt();
  }

  static String text(JsonNode s, String key, String at) {
    JsonNode v = s.get(key);
    if (!v.isTextual()) {
      throw new UnsupportedSchemaException(at + "/" + key, key + " must be a string");
    }
    return v.textValue();
  }

  /** A value as the output must write it: compact JSON, non-ASCII escaped. */
  private static String literal(JsonNode v) {
    try {
      return LITERALS.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pointerEscape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
