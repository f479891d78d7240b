package dev.shallows.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Reads the tool calls a model writes in its own format out of a reply's text (vLLM's {@code
 * --tool-call-parser}), for {@code tool_choice: "auto"}: the model decides between text and calls.
 * A reply the parser cannot read whole as calls stays text.
 */
public interface ToolCallParser {

  /** One parsed call: a function name and its arguments (a JSON object). */
  record Call(String name, JsonNode arguments) {

    /**
     * {@code {"name": string, <key>: object}} (the arguments under {@code key}, else under {@code
     * otherKey}) as a call; null for anything else.
     */
    static Call of(JsonNode n, String key, String otherKey) {
      if (n == null || !n.isObject() || !n.path("name").isTextual()) {
        return null;
      }
      JsonNode args = n.has(key) ? n.get(key) : n.get(otherKey);
      return args != null && args.isObject() ? new Call(n.get("name").textValue(), args) : null;
    }
  }

  /**
   * A reply read as calls: {@code text.substring(0, contentEnd)} is the text before them (the
   * message's content when not blank), then the calls in order.
   */
  record Parsed(int contentEnd, List<Call> calls) {}

  /** The name in configuration ({@code shallows.model.tool-call-parser}). */
  String name();

  /** The calls in a whole reply, or null when it holds none (or a malformed one): it is text. */
  Parsed parse(String text);

  /**
   * While streaming: how many leading characters of the reply so far can be sent as content,
   * because no call can start before them whatever follows. The rest is held back until it is known
   * to be text.
   */
  int contentPrefix(String textSoFar);

  /** The parser named in configuration: {@code none}, or one of the parsers by name. */
  static ToolCallParser named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> null;
      case HermesToolCalls.NAME -> new HermesToolCalls();
      case Llama3JsonToolCalls.NAME -> new Llama3JsonToolCalls();
      case MistralToolCalls.NAME -> new MistralToolCalls();
      case PythonicToolCalls.NAME -> new PythonicToolCalls();
      default ->
          throw new IllegalArgumentException(
              "unknown tool-call parser '"
                  + name
                  + "': use auto, none, "
                  + HermesToolCalls.NAME
                  + ", "
                  + Llama3JsonToolCalls.NAME
                  + ", "
                  + MistralToolCalls.NAME
                  + " or "
                  + PythonicToolCalls.NAME);
    };
  }

  /**
   * {@code auto}: the parser of the format the chat template teaches ({@code <tool_call>} tags:
   * Qwen2.5/Qwen3/Hermes; Llama 3.1-3.3's JSON calls; Mistral's {@code [TOOL_CALLS]}; the Python
   * call lists of Llama 3.2's and Llama 4's pythonic prompts), or null when the template shows no
   * known format (the default transcript never does).
   */
  static ToolCallParser detect(ChatTemplate template) {
    if (template.isDefault()) {
      return null;
    }
    String src = template.source();
    if (src.contains("<tool_call>")) {
      return new HermesToolCalls();
    }
    if (src.contains("<|python_tag|>") || src.contains("respond with a JSON for a function call")) {
      return new Llama3JsonToolCalls();
    }
    if (src.contains(MistralToolCalls.MARKER) || src.contains("[AVAILABLE_TOOLS]")) {
      return new MistralToolCalls();
    }
    if (src.contains("func_name1(") || src.contains("<|python_start|>")) {
      return new PythonicToolCalls();
    }
    return null;
  }
}
