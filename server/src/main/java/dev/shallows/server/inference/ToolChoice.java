package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.generate.json.schema.JsonSchema;
import dev.shallows.server.chat.ToolCallParser;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ToolCall;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * OpenAI's {@code tools} + {@code tool_choice} on chat completions. A named function constrains the
 * reply to that function's {@code parameters} schema (the reply is its arguments); {@code
 * "required"} constrains it to a JSON array of {@code {"name","arguments"}} calls of the given
 * functions (both as vLLM serves them without a model-specific parser). {@code "auto"} lets the
 * model write text or calls in its own format, which the model's {@link ToolCallParser} reads
 * afterwards; without a parser it is refused. {@code "none"} is a text reply. With tools and no
 * {@code tool_choice}: {@code "auto"} when the model has a parser, {@code "none"} otherwise.
 */
final class ToolChoice {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolChoice NONE = new ToolChoice(null, null, null, Set.of(), true);

  private final JsonSchema schema; // the calls' schema when constrained, else null
  private final String named; // the forced function, or null for "required"
  private final ToolCallParser parser; // "auto": reads calls from free text; else null
  private final Set<String> names; // "auto": the functions a parsed call may name
  private final boolean parallel; // "auto": more than one call may be kept

  private ToolChoice(
      JsonSchema schema, String named, ToolCallParser parser, Set<String> names, boolean parallel) {
    this.schema = schema;
    this.named = named;
    this.parser = parser;
    this.names = names;
    this.parallel = parallel;
  }

  /** A reply as a chat message: text ({@code calls} null), or calls after optional content. */
  record Reply(String content, List<ToolCall> calls) {}

  /**
   * The request's tool mode, every field checked (a 400 naming it otherwise); {@code parser}: the
   * model's tool-call parser, or null.
   */
  static ToolChoice of(ChatCompletionRequest r, ToolCallParser parser) {
    JsonNode choice = r.toolChoice;
    boolean hasTools = r.tools != null && !r.tools.isNull();
    Map<String, JsonNode> tools = hasTools ? tools(r.tools) : Map.of();
    boolean parallel = !Boolean.FALSE.equals(r.parallelToolCalls);
    if ((choice == null || choice.isNull()) && parser != null && !tools.isEmpty()) {
      return new ToolChoice(null, null, parser, tools.keySet(), parallel);
    }
    if (choice == null || choice.isNull() || "none".equals(choice.asText(null))) {
      return NONE;
    }
    if (tools.isEmpty()) {
      throw ApiException.badRequest("tool_choice", "tool_choice needs a non-empty tools list");
    }
    if (choice.isTextual()) {
      switch (choice.textValue()) {
        case "required" -> {
          return new ToolChoice(required(tools, parallel), null, null, Set.of(), true);
        }
        case "auto" -> {
          if (parser == null) {
            throw ApiException.badRequest(
                "tool_choice",
                "'auto' needs a parser for this model's own tool-call format, and its chat"
                    + " template shows none this server knows; set shallows.model.tool-call-parser"
                    + " (hermes, llama3_json, mistral, pythonic) or use 'required' or a named function");
          }
          return new ToolChoice(null, null, parser, tools.keySet(), parallel);
        }
        default ->
            throw ApiException.badRequest(
                "tool_choice",
                "tool_choice must be 'none', 'auto', 'required' or a named function");
      }
    }
    String name = choice.path("function").path("name").asText(null);
    if (!"function".equals(choice.path("type").asText()) || name == null) {
      throw ApiException.badRequest(
          "tool_choice", "a named tool_choice is {\"type\":\"function\",\"function\":{\"name\"}}");
    }
    if (!tools.containsKey(name)) {
      throw ApiException.badRequest("tool_choice", "no tool is named '" + name + "'");
    }
    return new ToolChoice(
        ResponseFormats.compile(tools.get(name), "tools (" + name + ").function.parameters"),
        name,
        null,
        Set.of(),
        true);
  }

  /** Whether the reply is constrained to tool calls. */
  boolean constrained() {
    return schema != null;
  }

  /** Whether the reply is free text that may hold calls in the model's format ("auto"). */
  boolean parsed() {
    return parser != null;
  }

  /** The parser of "auto" (null otherwise). */
  ToolCallParser parser() {
    return parser;
  }

  /** The schema the reply is constrained to. */
  JsonSchema schema() {
    return schema;
  }

  /** OpenAI's finish reason of a reply that is tool calls: "stop" when the call was forced. */
  String finishReason() {
    return named != null ? "stop" : "tool_calls";
  }

  /**
   * A complete reply as a message: its calls (with the content before them, under "auto"), or its
   * text when it makes none: a constrained reply that is not a whole value of the schema (cut by
   * max_tokens or a stop string), or a free one the parser does not read as calls of the given
   * functions with object arguments. {@code indexed}: calls carry the {@code index} of stream
   * chunks.
   */
  Reply reply(String text, boolean indexed) {
    List<ToolCall> calls = null;
    String content = null;
    if (constrained()) {
      calls = calls(text, indexed);
    } else if (parsed()) {
      ToolCallParser.Parsed p = parser.parse(text);
      if (p != null && p.calls().stream().allMatch(c -> names.contains(c.name()))) {
        calls = new ArrayList<>();
        for (ToolCallParser.Call c : p.calls()) {
          calls.add(call(indexed ? calls.size() : null, c.name(), c.arguments().toString()));
          if (!parallel) {
            break; // parallel_tool_calls false: the first call only
          }
        }
        String before = text.substring(0, p.contentEnd());
        content = before.isBlank() ? null : before;
      }
    }
    return calls != null ? new Reply(content, calls) : new Reply(text, null);
  }

  private List<ToolCall> calls(String text, boolean indexed) {
    if (!schema.accepts(text)) {
      return null;
    }
    List<ToolCall> out = new ArrayList<>();
    if (named != null) {
      out.add(call(indexed ? 0 : null, named, text.strip()));
      return out;
    }
    try {
      JsonNode calls = JSON.readTree(text);
      for (int i = 0; i < calls.size(); i++) {
        JsonNode c = calls.get(i);
        out.add(call(indexed ? i : null, c.get("name").asText(), c.get("arguments").toString()));
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the schema accepted what Jackson cannot read: " + text, e);
    }
    return out;
  }

  private static ToolCall call(Integer index, String name, String arguments) {
    String id = "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    return new ToolCall(index, id, "function", new ToolCall.Function(name, arguments));
  }

  /** The tools by name, in order; each checked. */
  private static Map<String, JsonNode> tools(JsonNode tools) {
    if (!tools.isArray()) {
      throw ApiException.badRequest("tools", "tools must be an array");
    }
    Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      String at = "tools[" + i + "]";
      if (!"function".equals(t.path("type").asText())) {
        throw ApiException.badRequest(at + ".type", "only tools of type 'function' are supported");
      }
      JsonNode f = t.path("function");
      String name = f.path("name").asText(null);
      if (name == null || !ResponseFormats.NAME.matcher(name).matches()) {
        throw ApiException.badRequest(
            at + ".function.name", "name must be 1-64 letters, digits, '_' or '-'");
      }
      if (byName.put(name, parameters(f)) != null) {
        throw ApiException.badRequest(at + ".function.name", "two tools are named '" + name + "'");
      }
      ResponseFormats.compile(
          byName.get(name), at + ".function.parameters"); // a bad schema fails here, by index
    }
    return byName;
  }

  /** A function's parameters schema; none means no parameters: {@code {}}. */
  private static JsonNode parameters(JsonNode function) {
    JsonNode p = function.get("parameters");
    if (p == null || p.isNull()) {
      ObjectNode empty = JSON.createObjectNode().put("type", "object");
      empty.putObject("properties");
      return empty.put("additionalProperties", false);
    }
    return p;
  }

  /**
   * [{"name": one of the tools, "arguments": its parameters}, ...], at least one call (exactly one
   * without parallel calls); each tool's local $refs re-rooted where its schema now sits.
   */
  private static JsonSchema required(Map<String, JsonNode> tools, boolean parallel) {
    ObjectNode root = JSON.createObjectNode().put("type", "array").put("minItems", 1);
    if (!parallel) {
      root.put("maxItems", 1);
    }
    ArrayNode options = root.putObject("items").putArray("anyOf");
    int i = 0;
    for (Map.Entry<String, JsonNode> t : tools.entrySet()) {
      ObjectNode call = options.addObject().put("type", "object");
      ObjectNode props = call.putObject("properties");
      props.putObject("name").put("const", t.getKey());
      props.set(
          "arguments",
          reroot(t.getValue().deepCopy(), "#/items/anyOf/" + i + "/properties/arguments"));
      call.putArray("required").add("name").add("arguments");
      call.put("additionalProperties", false);
      i++;
    }
    return ResponseFormats.compile(root, "tools");
  }

  /** Rewrites every local {@code $ref} under {@code node} to start at {@code base}. */
  private static JsonNode reroot(JsonNode node, String base) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.isTextual() && ref.textValue().startsWith("#")) {
        o.put("$ref", base + ref.textValue().substring(1));
      }
      Set<String> names = new HashSet<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (!n.equals("$ref")) {
          reroot(o.get(n), base);
        }
      }
    } else if (node.isArray()) {
      node.forEach(e -> reroot(e, base));
    }
    return node;
  }
}
