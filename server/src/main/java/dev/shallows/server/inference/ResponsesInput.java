package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.server.error.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Responses API request ({@code POST /v1/responses}) as the chat request it stands for: {@code
 * instructions} a system message, then the conversation of {@code previous_response_id}, then the
 * {@code input} items (messages, {@code function_call}s, {@code function_call_output}s) as chat
 * messages; {@code tools} and {@code tool_choice} in chat's shape, {@code text.format} as {@code
 * response_format}, {@code max_output_tokens} as {@code max_completion_tokens}. Sampling fields and
 * the server's extensions pass through unchanged. Every field is checked, naming it in the
 * Responses API's terms.
 */
final class ResponsesInput {

  /** Fields with the same name and meaning in a chat request. */
  private static final Set<String> PASSED =
      Set.of(
          "model",
          "temperature",
          "top_p",
          "user",
          "parallel_tool_calls",
          "seed",
          "stop",
          "top_k",
          "min_p",
          "min_tokens",
          "repetition_penalty",
          "presence_penalty",
          "frequency_penalty",
          "logit_bias",
          "ignore_eos",
          "stop_token_ids",
          "allowed_token_ids",
          "truncate_prompt_tokens",
          "include_stop_str_in_output",
          "structured_outputs",
          "guided_regex",
          "guided_choice",
          "guided_json",
          "guided_grammar",
          "grammar",
          "chat_template_kwargs");

  /** The Responses API's own fields, translated or used by the handler. */
  private static final Set<String> OWN =
      Set.of(
          "input",
          "instructions",
          "max_output_tokens",
          "stream",
          "tools",
          "tool_choice",
          "text",
          "previous_response_id",
          "store",
          "metadata",
          "truncation",
          "include",
          "top_logprobs");

  /** The {@code include} value that asks for the output text's logprobs. */
  static final String TEXT_LOGPROBS = "message.output_text.logprobs";

  private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");

  private ResponsesInput() {}

  /**
   * The translation: the chat request's body, and the input items as chat messages (this turn's
   * part of the conversation a later request may continue), and the fields nobody knows.
   */
  record Translated(ObjectNode chat, List<ObjectNode> turn, List<String> unknown) {}

  static Translated translate(ObjectNode body, List<ObjectNode> history, ObjectMapper json) {
    ObjectNode chat = json.createObjectNode();
    List<String> unknown = new ArrayList<>();
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (PASSED.contains(f)) {
                chat.set(f, body.get(f));
              } else if (!OWN.contains(f)) {
                unknown.add(f);
              }
            });
    if (!body.path("model").isTextual()) {
      throw ApiException.badRequest("model", "model is required (a string)");
    }
    JsonNode truncation = body.get("truncation");
    if (truncation != null && !truncation.isNull() && !"disabled".equals(truncation.asText())) {
      throw ApiException.badRequest(
          "truncation", "only 'disabled' is supported: a too long input is an error");
    }
    ArrayNode messages = chat.putArray("messages");
    JsonNode instructions = body.get("instructions");
    if (instructions != null && !instructions.isNull()) {
      if (!instructions.isTextual()) {
        throw ApiException.badRequest("instructions", "instructions must be a string");
      }
      messages.addObject().put("role", "system").put("content", instructions.textValue());
    }
    history.forEach(messages::add);
    List<ObjectNode> turn = input(body.get("input"), json);
    turn.forEach(messages::add);
    if (messages.isEmpty()) {
      throw ApiException.badRequest("input", "input is required");
    }
    logprobs(body, chat);
    JsonNode max = body.get("max_output_tokens");
    if (max != null && !max.isNull()) {
      if (!max.canConvertToExactIntegral()) {
        throw ApiException.badRequest("max_output_tokens", "max_output_tokens must be an integer");
      }
      chat.set("max_completion_tokens", max);
    }
    JsonNode tools = body.get("tools");
    if (tools != null && !tools.isNull()) {
      chat.set("tools", tools(tools, json));
    }
    JsonNode choice = body.get("tool_choice");
    if (choice != null && !choice.isNull()) {
      chat.set("tool_choice", toolChoice(choice, json));
    }
    JsonNode format = body.path("text").get("format");
    if (format != null && !format.isNull()) {
      chat.set("response_format", format(format, json));
    }
    return new Translated(chat, turn, unknown);
  }

  /** The input: a string (one user message) or a list of items. */
  private static List<ObjectNode> input(JsonNode input, ObjectMapper json) {
    List<ObjectNode> out = new ArrayList<>();
    if (input == null || input.isNull()) {
      return out;
    }
    if (input.isTextual()) {
      out.add(json.createObjectNode().put("role", "user").put("content", input.textValue()));
      return out;
    }
    if (!input.isArray()) {
      throw ApiException.badRequest("input", "input must be a string or an array of items");
    }
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String at = "input[" + i + "]";
      String type = item.path("type").asText(item.has("role") ? "message" : "");
      switch (type) {
        case "message" -> out.add(message(item, at, json));
        case "function_call" -> {
          ObjectNode call = json.createObjectNode();
          call.put("id", text(item, "call_id", at));
          call.put("type", "function");
          call.putObject("function")
              .put("name", text(item, "name", at))
              .put("arguments", text(item, "arguments", at));
          ObjectNode last = out.isEmpty() ? null : out.get(out.size() - 1);
          if (last != null && last.has("tool_calls") && last.path("content").isNull()) {
            ((ArrayNode) last.get("tool_calls")).add(call); // parallel calls: one message
          } else {
            ObjectNode m = json.createObjectNode().put("role", "assistant").putNull("content");
            m.putArray("tool_calls").add(call);
            out.add(m);
          }
        }
        case "function_call_output" ->
            out.add(
                json.createObjectNode()
                    .put("role", "tool")
                    .put("tool_call_id", text(item, "call_id", at))
                    .put("content", text(item, "output", at)));
        default ->
            throw ApiException.badRequest(
                at + ".type",
                "input items are messages, function_call and function_call_output; got '"
                    + type
                    + "'");
      }
    }
    return out;
  }

  /** A message item: a role and a string or text parts (input_text, output_text). */
  private static ObjectNode message(JsonNode item, String at, ObjectMapper json) {
    String role = item.path("role").asText();
    if (!ROLES.contains(role)) {
      throw ApiException.badRequest(at + ".role", "role must be one of " + ROLES);
    }
    JsonNode content = item.get("content");
    String text;
    if (content != null && content.isTextual()) {
      text = content.textValue();
    } else if (content != null && content.isArray()) {
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < content.size(); j++) {
        JsonNode part = content.get(j);
        String type = part.path("type").asText();
        if (!Set.of("input_text", "output_text", "text").contains(type)
            || !part.path("text").isTextual()) {
          throw ApiException.badRequest(
              at + ".content[" + j + "]",
              "only text parts (input_text, output_text) are supported; got '" + type + "'");
        }
        b.append(part.get("text").textValue());
      }
      text = b.toString();
    } else {
      throw ApiException.badRequest(at + ".content", "content must be a string or text parts");
    }
    return json.createObjectNode().put("role", role).put("content", text);
  }

  private static String text(JsonNode item, String field, String at) {
    JsonNode v = item.get(field);
    if (v == null || !v.isTextual()) {
      throw ApiException.badRequest(at + "." + field, field + " must be a string");
    }
    return v.textValue();
  }

  /** Responses tools ({type, name, description, parameters}) in chat's nested shape. */
  private static ArrayNode tools(JsonNode tools, ObjectMapper json) {
    if (!tools.isArray()) {
      throw ApiException.badRequest("tools", "tools must be an array");
    }
    ArrayNode out = json.createArrayNode();
    for (int i = 0; i < tools.size(); i++) {
      JsonNode t = tools.get(i);
      if (!"function".equals(t.path("type").asText())) {
        throw ApiException.badRequest(
            "tools[" + i + "].type",
            "only function tools are supported (no built-in tools such as web_search)");
      }
      ObjectNode f = json.createObjectNode();
      for (String k : List.of("name", "description", "parameters")) {
        if (t.has(k)) {
          f.set(k, t.get(k));
        }
      }
      out.addObject().put("type", "function").set("function", f);
    }
    return out;
  }

  /** "none" / "auto" / "required" as they are; {type: function, name} in chat's shape. */
  private static JsonNode toolChoice(JsonNode choice, ObjectMapper json) {
    if (choice.isTextual()) {
      return choice;
    }
    if (!"function".equals(choice.path("type").asText()) || !choice.path("name").isTextual()) {
      throw ApiException.badRequest(
          "tool_choice", "a forced tool_choice is {\"type\":\"function\",\"name\"}");
    }
    ObjectNode out = json.createObjectNode().put("type", "function");
    out.putObject("function").put("name", choice.get("name").textValue());
    return out;
  }

  /** text.format: text, json_object, or json_schema with its name and schema at the top level. */
  private static JsonNode format(JsonNode format, ObjectMapper json) {
    String type = format.path("type").asText();
    if (!"json_schema".equals(type)) {
      return format; // text, json_object, or an error response_format reports
    }
    ObjectNode schema = json.createObjectNode();
    for (String k : List.of("name", "description", "schema", "strict")) {
      if (format.has(k)) {
        schema.set(k, format.get(k));
      }
    }
    ObjectNode out = json.createObjectNode().put("type", "json_schema");
    out.set("json_schema", schema);
    return out;
  }

  /** A chat field's name in the Responses API's terms (for error messages). */
  /**
   * {@code include} (strings; {@value #TEXT_LOGPROBS} turns logprobs on, other values name content
   * this server never has and are ignored) and {@code top_logprobs} (0..20, also turns them on) as
   * chat's {@code logprobs} and {@code top_logprobs}.
   */
  private static void logprobs(ObjectNode body, ObjectNode chat) {
    boolean on = false;
    JsonNode include = body.get("include");
    if (include != null && !include.isNull()) {
      if (!include.isArray()) {
        throw ApiException.badRequest("include", "include must be an array of strings");
      }
      for (JsonNode v : include) {
        if (!v.isTextual()) {
          throw ApiException.badRequest("include", "include must be an array of strings");
        }
        on |= TEXT_LOGPROBS.equals(v.textValue());
      }
    }
    JsonNode top = body.get("top_logprobs");
    if (top != null && !top.isNull()) {
      chat.set("top_logprobs", top);
      on = true;
    }
    if (on) {
      chat.put("logprobs", true);
    }
  }

  static String responsesParam(String chatParam) {
    if (chatParam == null) {
      return null;
    }
    if (chatParam.startsWith("max_completion_tokens")) {
      return "max_output_tokens";
    }
    if (chatParam.startsWith("response_format.json_schema")) {
      return "text.format" + chatParam.substring("response_format.json_schema".length());
    }
    if (chatParam.startsWith("response_format")) {
      return "text.format" + chatParam.substring("response_format".length());
    }
    if (chatParam.startsWith("messages")) {
      return "input";
    }
    return chatParam.replace(".function.", ".");
  }
}
