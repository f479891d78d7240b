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

  /** One message: a role and its text. */
  public record Message(String role, String content) {}

  /** The prompt text for {@code messages}, ready for the assistant's reply. */
  public String render(List<Message> messages) {
    return render(messages, null);
  }

  /**
   * The prompt text for {@code messages} with the request's {@code tools} (OpenAI's list of
   * functions, null for none) in the template's {@code tools} variable, as Hugging Face passes
   * them; templates that do not use it (the default among them) leave them out.
   */
  public String render(List<Message> messages, JsonNode tools) {
    List<Map<String, Object>> msgs = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", m.role());
      map.put("content", m.content());
      msgs.add(map);
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put("messages", msgs);
    vars.put("bos_token", bosToken);
    vars.put("eos_token", eosToken);
    vars.put("add_generation_prompt", true);
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
    return r.getOutput();
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
