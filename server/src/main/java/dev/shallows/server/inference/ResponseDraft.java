package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.generate.FinishReason;
import dev.shallows.server.openai.ChatLogprobs;
import dev.shallows.server.openai.ToolCall;
import dev.shallows.server.openai.Usage;
import java.util.List;
import java.util.UUID;

/**
 * The Responses API's objects for one request: the {@code response} (its id, what the request
 * asked, status, output items and usage) and its output items, {@code message} with {@code
 * output_text} and {@code function_call}, as OpenAI writes them.
 */
final class ResponseDraft {

  private final ObjectMapper json;
  private final ObjectNode request;
  private final String id = "resp_" + hex();
  private final String messageId = "msg_" + hex();
  private final String reasoningId = "rs_" + hex();
  private final long createdAt = System.currentTimeMillis() / 1000;
  private final JsonNode toolChoice;
  private final String variant;

  /**
   * {@code request}: the Responses request body, whose settings the response repeats; {@code
   * toolChoice}: the tool mode in effect.
   */
  ResponseDraft(ObjectMapper json, ObjectNode request, JsonNode toolChoice, String variant) {
    this.json = json;
    this.request = request;
    this.toolChoice = toolChoice;
    this.variant = variant;
  }

  String id() {
    return id;
  }

  String messageId() {
    return messageId;
  }

  String reasoningId() {
    return reasoningId;
  }

  /** {status, incomplete reason} of a finished reply. */
  static String[] status(FinishReason finish) {
    return switch (finish) {
      case STOP -> new String[] {"completed", null};
      case LENGTH -> new String[] {"incomplete", "max_output_tokens"};
      case ABORT -> new String[] {"incomplete", "server_shutdown"};
    };
  }

  private static String hex() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The response object: {@code status} in_progress, completed or incomplete ({@code
   * incompleteReason}, e.g. max_output_tokens); {@code usage} null while in progress.
   */
  ObjectNode response(String status, ArrayNode output, Usage usage, String incompleteReason) {
    ObjectNode r = json.createObjectNode();
    r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
    r.putNull("error");
    if (incompleteReason != null) {
      r.putObject("incomplete_details").put("reason", incompleteReason);
    } else {
      r.putNull("incomplete_details");
    }
    copy(r, "instructions");
    copy(r, "max_output_tokens");
    r.put("model", request.path("model").asText());
    r.set("output", output);
    r.put(
        "parallel_tool_calls",
        !request.path("parallel_tool_calls").isBoolean()
            || request.get("parallel_tool_calls").booleanValue());
    copy(r, "previous_response_id");
    r.put("store", !request.path("store").isBoolean() || request.get("store").booleanValue());
    r.put(
        "temperature",
        request.path("temperature").isNumber() ? request.get("temperature").asDouble() : 1.0);
    r.put("top_p", request.path("top_p").isNumber() ? request.get("top_p").asDouble() : 1.0);
    r.set("tool_choice", toolChoice);
    r.set("tools", request.path("tools").isArray() ? request.get("tools") : json.createArrayNode());
    ObjectNode text = r.putObject("text");
    JsonNode format = request.path("text").get("format");
    if (format != null && !format.isNull()) {
      text.set("format", format);
    } else {
      text.putObject("format").put("type", "text");
    }
    r.put("truncation", "disabled");
    copy(r, "user");
    r.set(
        "metadata",
        request.path("metadata").isObject() ? request.get("metadata") : json.createObjectNode());
    if (usage != null) {
      ObjectNode u = r.putObject("usage");
      u.put("input_tokens", usage.promptTokens());
      u.putObject("input_tokens_details")
          .put("cached_tokens", usage.promptTokensDetails().cachedTokens());
      u.put("output_tokens", usage.completionTokens());
      u.putObject("output_tokens_details").put("reasoning_tokens", 0);
      u.put("total_tokens", usage.totalTokens());
    } else {
      r.putNull("usage");
    }
    r.put("variant", variant);
    return r;
  }

  private void copy(ObjectNode r, String field) {
    JsonNode v = request.get(field);
    if (v == null) {
      r.putNull(field);
    } else {
      r.set(field, v);
    }
  }

  /**
   * The assistant message item holding {@code text} (one output_text part, with {@code logprobs}
   * unless null).
   */
  ObjectNode message(String text, String status, List<ChatLogprobs.Entry> logprobs) {
    ObjectNode m = json.createObjectNode();
    m.put("type", "message").put("id", messageId).put("status", status).put("role", "assistant");
    ArrayNode content = m.putArray("content");
    if (text != null) {
      content.add(outputText(text, logprobs));
    }
    return m;
  }

  /** An output_text content part ({@code logprobs} unless null). */
  ObjectNode outputText(String text, List<ChatLogprobs.Entry> logprobs) {
    ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    if (logprobs != null) {
      part.set("logprobs", logprobs(logprobs));
    }
    return part;
  }

  /** Logprob entries as the Responses API writes them (chat's shape). */
  ArrayNode logprobs(List<ChatLogprobs.Entry> entries) {
    return json.valueToTree(entries);
  }

  /** A function_call item; {@code arguments} as the call's JSON text. */
  ObjectNode functionCall(ToolCall call, String arguments, String status) {
    return json.createObjectNode()
        .put("type", "function_call")
        .put("id", "fc_" + call.id().substring("call_".length()))
        .put("call_id", call.id())
        .put("name", call.function().name())
        .put("arguments", arguments)
        .put("status", status);
  }

  /** A reasoning item holding {@code text} (one reasoning_text part; none while null). */
  ObjectNode reasoning(String text, String status) {
    ObjectNode r = json.createObjectNode();
    r.put("type", "reasoning").put("id", reasoningId).put("status", status);
    r.putArray("summary");
    ArrayNode content = r.putArray("content");
    if (text != null) {
      content.addObject().put("type", "reasoning_text").put("text", text);
    }
    return r;
  }

  /**
   * The output items of a whole reply: its reasoning (if any), its content as a message (with
   * {@code logprobs} unless null), then its calls.
   */
  ArrayNode output(
      String reasoning, ToolChoice.Reply reply, String status, List<ChatLogprobs.Entry> logprobs) {
    ArrayNode out = json.createArrayNode();
    if (reasoning != null) {
      out.add(reasoning(reasoning, status));
    }
    if (reply.content() != null) {
      out.add(message(reply.content(), status, logprobs));
    }
    List<ToolCall> calls = reply.calls() == null ? List.of() : reply.calls();
    for (ToolCall c : calls) {
      out.add(functionCall(c, c.function().arguments(), "completed"));
    }
    return out;
  }

  /** The reply as chat messages, for the conversation a later request continues. */
  List<ObjectNode> asMessages(ToolChoice.Reply reply) {
    ObjectNode m = json.createObjectNode().put("role", "assistant");
    if (reply.calls() == null) {
      return List.of(m.put("content", reply.content()));
    }
    if (reply.content() != null) {
      m.put("content", reply.content());
    } else {
      m.putNull("content");
    }
    ArrayNode calls = m.putArray("tool_calls");
    for (ToolCall c : reply.calls()) {
      ObjectNode call = calls.addObject().put("id", c.id()).put("type", "function");
      call.putObject("function")
          .put("name", c.function().name())
          .put("arguments", c.function().arguments());
    }
    return List.of(m);
  }
}
