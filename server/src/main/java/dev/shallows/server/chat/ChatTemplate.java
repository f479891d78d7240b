package dev.shallows.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.shallows.server.error.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders chat messages into a prompt with the model's Jinja chat template ({@code chat_template}
 * of tokenizer_config.json), as Hugging Face's {@code apply_chat_template} does: variables {@code
 * messages}, {@code tools}, {@code bos_token}, {@code eos_token}, {@code
 * add_generation_prompt=true} and the function {@code raise_exception(msg)}. Models without a
 * template get {@link #DEFAULT_TEMPLATE}, a plain-text transcript ending with {@code "Assistant:"}
 * that any base model can continue.
 */
public final class ChatTemplate {

  /**
   * The documented default: one {@code "Role: content"} line per message (roles capitalized), then
   * {@code "Assistant:"}. Example: {@code "User: Hi\nAssistant:"}.
   */
  public static final String DEFAULT_TEMPLATE =
      "{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] }}\n"
          + "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}";

  private static final ObjectMapper TOOLS = new ObjectMapper();

  private final String source;
  private final boolean builtIn;
  private final String bosToken;
  private final String eosToken;
  private final Jinjava jinjava;

  /** A template ({@code null} = the default) with the tokenizer's special token strings. */
  public ChatTemplate(String template, String bosToken, String eosToken) {
    this.builtIn = template == null || template.isBlank();
    this.source = builtIn ? DEFAULT_TEMPLATE : template;
    this.bosToken = bosToken == null ? "" : bosToken;
    this.eosToken = eosToken == null ? "" : eosToken;
    this.jinjava =
        new Jinjava(
            JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .build());
    jinjava.getGlobalContext().registerFilter(new PythonJsonFilter());
    jinjava
        .getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition(
                "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
  }

  /** Called from templates: rejects the conversation (e.g. roles out of order) as a 400. */
  public static String raiseException(String message) {
    throw ApiException.badRequest("messages", "chat template: " + message);
  }

  /** True when the model has no template and the documented default is used. */
  public boolean isDefault() {
    return builtIn;
  }

  public String source() {
    return source;
  }

  /**
   * One message: a role and its text; for an assistant message with earlier tool calls, the calls
   * (OpenAI's list; null otherwise) and whether {@code content} is only their JSON, standing in for
   * no content; for a tool result, the id of the call it answers (or null).
   */
  public record Message(
      String role, String content, JsonNode toolCalls, boolean callsOnly, String toolCallId) {
    public Message(String role, String content) {
      this(role, content, null, false, null);
    }
  }

  /**
   * How to render, as Hugging Face's {@code apply_chat_template} takes it: the request's {@code
   * tools} (OpenAI's list of functions, null for none) in the template's {@code tools} variable;
   * {@code add_generation_prompt}; {@code continueFinalMessage}: end the prompt inside the last
   * message, so the reply continues it (an assistant prefill); {@code kwargs}: more template
   * variables (e.g. Qwen3's {@code enable_thinking}).
   */
  public record Options(
      JsonNode tools,
      boolean addGenerationPrompt,
      boolean continueFinalMessage,
      Map<String, Object> kwargs) {

    /** Variables the server sets itself. */
    public static final java.util.Set<String> RESERVED =
        java.util.Set.of("messages", "tools", "bos_token", "eos_token", "add_generation_prompt");

    public static Options tools(JsonNode tools) {
      return new Options(tools, true, false, Map.of());
    }
  }

  /** The prompt text for {@code messages}, ready for the assistant's reply. */
  public String render(List<Message> messages) {
    return render(messages, Options.tools(null));
  }

  /**
   * The prompt text for {@code messages} with the request's {@code tools} (see {@link Options}).
   */
  public String render(List<Message> messages, JsonNode tools) {
    return render(messages, Options.tools(tools));
  }

  /**
   * The prompt text for {@code messages} rendered as {@code options} say; templates that do not use
   * {@code tools} (the default among them) leave them out.
   */
  public String render(List<Message> messages, Options options) {
    JsonNode tools = options.tools();
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      // the default transcript shows earlier calls as their JSON; a model's template gets them
      // structured, as Hugging Face's tool-use templates expect
      map.put("content", m.callsOnly() && !builtIn ? "" : m.content());
      if (m.toolCalls() != null && !builtIn) {
        map.put("tool_calls", toolCalls(m.toolCalls()));
      }
      if (m.toolCallId() != null) {
        map.put("tool_call_id", m.toolCallId());
      }
      msgs.add(map);
    }
    Map<String, Object> vars = new HashMap<>(options.kwargs());
    vars.put("messages", msgs);
    vars.put("bos_token", bosToken);
    vars.put("eos_token", eosToken);
    vars.put("add_generation_prompt", options.addGenerationPrompt());
    vars.put(
        "tools", tools == null || tools.isNull() ? null : TOOLS.convertValue(tools, List.class));
    RenderResult r;
    try {
      r = jinjava.renderForResult(source, vars);
    } catch (RuntimeException e) {
      ApiException a = apiCause(e);
      if (a != null) {
        throw a;
      }
      throw new IllegalStateException("chat template failed: " + e.getMessage(), e);
    }
    for (TemplateError err : r.getErrors()) {
      ApiException a = apiCause(err.getException());
      if (a != null) {
        throw a;
      }
      if (err.getSeverity() == TemplateError.ErrorType.FATAL) {
        String msg = err.getMessage();
        if (msg != null && msg.contains("chat template: ")) {
          throw ApiException.badRequest("messages", msg.substring(msg.indexOf("chat template: ")));
        }
        throw new IllegalStateException("chat template failed: " + msg);
      }
    }
    return options.continueFinalMessage()
        ? continueFinal(r.getOutput(), messages.get(messages.size() - 1).content())
        : r.getOutput();
  }

  /**
   * The rendered prompt cut right after the last message's text (Hugging Face's {@code
   * continue_final_message}): whatever the template writes to close the message is left out.
   */
  private static String continueFinal(String rendered, String last) {
    String core = last == null ? "" : last.strip();
    int at = core.isEmpty() ? -1 : rendered.lastIndexOf(core);
    if (at < 0) {
      throw ApiException.badRequest(
          "continue_final_message",
          "the last message's text is not in the rendered prompt (or is empty): nothing to continue");
    }
    String lead = last.stripLeading();
    boolean kept = rendered.startsWith(lead, at);
    return rendered.substring(0, at + (kept ? lead.length() : core.length()));
  }

  /**
   * OpenAI's tool calls as templates take them: each function's {@code arguments} parsed from its
   * JSON string into an object (Hugging Face's convention), kept as text if it is not JSON.
   */
  private static List<?> toolCalls(JsonNode calls) {
    List<Object> out = new ArrayList<>();
    for (JsonNode call : calls) {
      @SuppressWarnings("unchecked")
      Map<String, Object> c = TOOLS.convertValue(call, Map.class);
      JsonNode args = call.path("function").path("arguments");
      if (args.isTextual() && c.get("function") instanceof Map<?, ?> f) {
        @SuppressWarnings("unchecked")
        Map<String, Object> function = (Map<String, Object>) f;
        try {
          function.put("arguments", TOOLS.readValue(args.textValue(), Object.class));
        } catch (java.io.IOException notJson) {
          // left as the text it is
        }
      }
      out.add(c);
    }
    return out;
  }

  /** The ApiException raised by raise_exception, however deep Jinjava wrapped it. */
  private static ApiException apiCause(Throwable t) {
    for (int i = 0; t != null && i < 20; i++, t = t.getCause()) {
      if (t instanceof ApiException a) {
        return a;
      }
    }
    return null;
  }

  /** The BOS token string the template may emit (empty if none). */
  public String bosToken() {
    return bosToken;
  }
}
