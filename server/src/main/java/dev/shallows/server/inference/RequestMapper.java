package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.server.chat.ChatTemplate;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.openai.ChatCompletionRequest;
import dev.shallows.server.openai.ChatMessage;
import dev.shallows.server.openai.CompletionRequest;
import dev.shallows.server.openai.SamplingFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates OpenAI request bodies and converts them to engine parameters, before the engine sees
 * anything: every rejection is a 400 naming the parameter. Value defaults follow vLLM's order: the
 * request, then the server's default, then OpenAI's default.
 */
public final class RequestMapper {

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool");

  private final ShallowsConfig.Limits limits;

  public RequestMapper(ShallowsConfig.Limits limits) {
    this.limits = limits;
  }

  /** One prompt of a completions request: text, or token ids given directly. */
  public record Prompt(String text, int[] ids) {}

  /** Checks the fields shared by both endpoints that the engine does not check itself. */
  public void checkCommon(SamplingFields r) {
    if (r.model == null || r.model.isBlank()) {
      throw ApiException.badRequest("model", "you must provide a model parameter");
    }
    if (r.n != null && (r.n < 1 || r.n > limits.maxN())) {
      throw ApiException.badRequest("n", "n must be in [1, " + limits.maxN() + "], got " + r.n);
    }
    if (r.streamOptions != null && !Boolean.TRUE.equals(r.stream)) {
      throw ApiException.badRequest("stream_options", "stream_options needs stream=true");
    }
  }

  /** Completions: prompts parsed and every parameter checked. */
  public List<Prompt> prompts(CompletionRequest r) {
    checkCommon(r);
    if (r.suffix != null && !r.suffix.isEmpty()) {
      throw ApiException.badRequest("suffix", "suffix (insertion) is not supported");
    }
    int n = r.n == null ? 1 : r.n;
    if (r.bestOf != null && r.bestOf != n) {
      throw ApiException.badRequest("best_of", "only best_of == n is supported");
    }
    JsonNode p = r.prompt;
    if (p == null || p.isNull()) {
      throw ApiException.badRequest("prompt", "you must provide a prompt");
    }
    List<Prompt> out = new ArrayList<>();
    if (p.isTextual()) {
      out.add(new Prompt(p.asText(), null));
    } else if (p.isArray() && !p.isEmpty() && p.get(0).isIntegralNumber()) {
      out.add(new Prompt(null, ids(p, "prompt")));
    } else if (p.isArray() && !p.isEmpty()) {
      for (int i = 0; i < p.size(); i++) {
        JsonNode e = p.get(i);
        if (e.isTextual()) {
          out.add(new Prompt(e.asText(), null));
        } else if (e.isArray() && !e.isEmpty()) {
          out.add(new Prompt(null, ids(e, "prompt[" + i + "]")));
        } else {
          throw ApiException.badRequest(
              "prompt[" + i + "]",
              "each prompt must be a string or a non-empty array of token ids");
        }
      }
    } else {
      throw ApiException.badRequest(
          "prompt", "prompt must be a string, an array of strings or an array of token ids");
    }
    if (out.size() > limits.maxPrompts()) {
      throw ApiException.badRequest(
          "prompt", "at most " + limits.maxPrompts() + " prompts per request, got " + out.size());
    }
    if (out.size() * n > limits.maxN() * limits.maxPrompts()) {
      throw ApiException.badRequest("n", "too many choices in one request");
    }
    return out;
  }

  /**
   * Completions sampling parameters ({@code logprobs} is an int; {@code echo} asks for prompt
   * logprobs).
   */
  public SamplingParams sampling(CompletionRequest r) {
    if (r.logprobs != null && (r.logprobs < 0 || r.logprobs > limits.maxLogprobs())) {
      throw ApiException.badRequest(
          "logprobs", "logprobs must be in [0, " + limits.maxLogprobs() + "], got " + r.logprobs);
    }
    boolean echo = Boolean.TRUE.equals(r.echo);
    SamplingParams.Builder b =
        builder(r, r.maxTokens, "max_tokens")
            .logprobs(r.logprobs)
            .promptLogprobs(echo && r.logprobs != null);
    ResponseFormats.apply(r.responseFormat, b);
    return b.build();
  }

  /** Chat: messages and every parameter checked; the tool mode read by {@link ToolChoice#of}. */
  SamplingParams sampling(ChatCompletionRequest r, ToolChoice tools) {
    checkCommon(r);
    if (r.messages == null || r.messages.isEmpty()) {
      throw ApiException.badRequest("messages", "messages must be a non-empty array");
    }
    for (int i = 0; i < r.messages.size(); i++) {
      ChatMessage m = r.messages.get(i);
      String at = "messages[" + i + "]";
      if (m == null || m.role == null || !ROLES.contains(m.role)) {
        throw ApiException.badRequest(at + ".role", "role must be one of " + ROLES);
      }
      messageText(m, at);
    }
    Integer top = r.topLogprobs;
    if (top != null && (top < 0 || top > limits.maxLogprobs())) {
      throw ApiException.badRequest(
          "top_logprobs", "top_logprobs must be in [0, " + limits.maxLogprobs() + "], got " + top);
    }
    if (top != null && !Boolean.TRUE.equals(r.logprobs)) {
      throw ApiException.badRequest("top_logprobs", "top_logprobs needs logprobs=true");
    }
    boolean mct = r.maxCompletionTokens != null;
    SamplingParams.Builder b =
        builder(
                r,
                mct ? r.maxCompletionTokens : r.maxTokens,
                mct ? "max_completion_tokens" : "max_tokens")
            .logprobs(Boolean.TRUE.equals(r.logprobs) ? (top == null ? 0 : top) : null);
    if (!tools.constrained()) {
      ResponseFormats.apply(r.responseFormat, b); // "auto": a format constrains the free text
    } else if (GuidedOutputs.json(r)
        || (r.responseFormat != null
            && !r.responseFormat.isNull()
            && !"text".equals(r.responseFormat.path("type").asText()))) {
      throw ApiException.badRequest(
          "response_format",
          "a tool call's format is its schema: give tool_choice or response_format");
    } else {
      b.jsonSchema(tools.schema());
    }
    return b.build();
  }

  /**
   * The messages as the chat template takes them (role and text), each needing a role; chat
   * completions and /tokenize render the same list.
   */
  public static List<ChatTemplate.Message> templateMessages(List<ChatMessage> messages) {
    List<ChatTemplate.Message> out = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage m = messages.get(i);
      String at = "messages[" + i + "]";
      if (m == null || m.role == null) {
        throw ApiException.badRequest(at + ".role", "every message needs a role");
      }
      boolean calls = m.toolCalls != null && !m.toolCalls.isNull();
      if (calls && !m.toolCalls.isArray()) {
        throw ApiException.badRequest(at + ".tool_calls", "tool_calls must be an array");
      }
      boolean noContent = m.content == null || m.content.isNull();
      out.add(
          new ChatTemplate.Message(
              m.role,
              messageText(m, at),
              calls ? m.toolCalls : null,
              calls && noContent,
              m.toolCallId));
    }
    return out;
  }

  /**
   * How a request's messages are rendered: its tools, {@code add_generation_prompt}, {@code
   * continue_final_message} (which implies no generation prompt) and {@code chat_template_kwargs}
   * (an object; the server's own variables cannot be set).
   */
  public static ChatTemplate.Options templateOptions(
      JsonNode tools, Boolean addGenerationPrompt, Boolean continueFinal, JsonNode kwargs) {
    boolean cont = Boolean.TRUE.equals(continueFinal);
    if (cont && Boolean.TRUE.equals(addGenerationPrompt)) {
      throw ApiException.badRequest(
          "continue_final_message",
          "continue_final_message continues the last message: add_generation_prompt must be false");
    }
    java.util.Map<String, Object> vars = new java.util.HashMap<>();
    if (kwargs != null && !kwargs.isNull()) {
      if (!kwargs.isObject()) {
        throw ApiException.badRequest(
            "chat_template_kwargs", "chat_template_kwargs must be an object");
      }
      for (java.util.Iterator<String> it = kwargs.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (ChatTemplate.Options.RESERVED.contains(k)) {
          throw ApiException.badRequest(
              "chat_template_kwargs",
              "'" + k + "' is set by the server; use the request's own field");
        }
        vars.put(k, KWARGS.convertValue(kwargs.get(k), Object.class));
      }
    }
    return new ChatTemplate.Options(
        tools, !cont && !Boolean.FALSE.equals(addGenerationPrompt), cont, vars);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper KWARGS =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The text of a message: a string, or the concatenation of its text parts. */
  public static String messageText(ChatMessage m, String at) {
    JsonNode c = m.content;
    if (c == null || c.isNull()) {
      if ("assistant".equals(m.role)) {
        // earlier tool calls, as the JSON the model wrote them in
        return m.toolCalls == null || m.toolCalls.isNull() ? "" : m.toolCalls.toString();
      }
      throw ApiException.badRequest(at + ".content", "content is required");
    }
    if (c.isTextual()) {
      return c.asText();
    }
    if (c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < c.size(); j++) {
        JsonNode part = c.get(j);
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          throw ApiException.badRequest(
              at + ".content[" + j + "]",
              "only parts of type 'text' with a string 'text' are supported");
        }
        sb.append(part.get("text").asText());
      }
      return sb.toString();
    }
    throw ApiException.badRequest(at + ".content", "content must be a string or an array of parts");
  }

  /** Stop strings: a string or an array of up to {@code max-stop} non-empty strings. */
  public List<String> stops(JsonNode stop) {
    List<String> out = new ArrayList<>();
    if (stop == null || stop.isNull()) {
      return out;
    }
    if (stop.isTextual()) {
      out.add(stop.asText());
    } else if (stop.isArray()) {
      for (JsonNode s : stop) {
        if (!s.isTextual()) {
          throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
        }
        out.add(s.asText());
      }
    } else {
      throw ApiException.badRequest("stop", "stop must be a string or an array of strings");
    }
    if (out.size() > limits.maxStop()) {
      throw ApiException.badRequest(
          "stop", "at most " + limits.maxStop() + " stop sequences, got " + out.size());
    }
    if (out.stream().anyMatch(String::isEmpty)) {
      throw ApiException.badRequest("stop", "stop sequences must not be empty");
    }
    return out;
  }

  private SamplingParams.Builder builder(SamplingFields r, Integer maxTokens, String maxName) {
    int mt = maxTokens == null ? limits.defaultMaxTokens() : maxTokens;
    if (mt < 0 || mt > limits.maxTokens()) {
      throw ApiException.badRequest(
          maxName, maxName + " must be in [0, " + limits.maxTokens() + "], got " + mt);
    }
    if (r.temperature != null && (r.temperature < 0 || r.temperature > 2)) {
      throw ApiException.badRequest(
          "temperature", "temperature must be in [0, 2], got " + r.temperature);
    }
    if (r.topK != null && r.topK < -1) {
      throw ApiException.badRequest("top_k", "top_k must be >= -1 (0 or -1 = off), got " + r.topK);
    }
    SamplingParams.Builder b =
        SamplingParams.builder()
            .maxTokens(mt)
            .stop(stops(r.stop))
            .seed(r.seed)
            .topK(r.topK == null || r.topK < 0 ? 0 : r.topK);
    if (r.temperature != null) {
      b.temperature(r.temperature);
    }
    if (r.topP != null) {
      b.topP(r.topP);
    }
    if (r.presencePenalty != null) {
      b.presencePenalty(r.presencePenalty);
    }
    if (r.frequencyPenalty != null) {
      b.frequencyPenalty(r.frequencyPenalty);
    }
    if (r.repetitionPenalty != null) {
      b.repetitionPenalty(r.repetitionPenalty);
    }
    if (r.logitBias != null) {
      b.logitBias(logitBias(r.logitBias));
    }
    if (r.ignoreEos != null) {
      b.ignoreEos(r.ignoreEos);
    }
    if (r.minP != null) {
      b.minP(r.minP);
    }
    if (r.minTokens != null) {
      b.minTokens(r.minTokens);
    }
    if (r.stopTokenIds != null) {
      if (r.stopTokenIds.contains(null)) {
        throw ApiException.badRequest("stop_token_ids", "stop_token_ids must be integers");
      }
      b.stopTokenIds(r.stopTokenIds);
    }
    if (r.allowedTokenIds != null) {
      if (r.allowedTokenIds.isEmpty() || r.allowedTokenIds.contains(null)) {
        throw ApiException.badRequest(
            "allowed_token_ids", "allowed_token_ids must be a non-empty list of token ids");
      }
      b.allowedTokenIds(r.allowedTokenIds);
    }
    b.includeStopStrInOutput(Boolean.TRUE.equals(r.includeStopStrInOutput));
    GuidedOutputs.apply(r, b);
    return b;
  }

  /**
   * vLLM's {@code truncate_prompt_tokens}: the prompt's last {@code keep} tokens (-1: as many as
   * the context holds); null keeps it whole.
   */
  static int[] truncated(int[] ids, Integer keep, int contextLength) {
    if (keep == null) {
      return ids;
    }
    if (keep == 0 || keep < -1) {
      throw ApiException.badRequest(
          "truncate_prompt_tokens", "truncate_prompt_tokens must be >= 1 or -1, got " + keep);
    }
    int n = keep == -1 ? contextLength : keep;
    return ids.length <= n ? ids : java.util.Arrays.copyOfRange(ids, ids.length - n, ids.length);
  }

  /** OpenAI's {@code logit_bias}: token ids as JSON object keys; the values are checked later. */
  private static Map<Integer, Double> logitBias(Map<String, Double> wire) {
    Map<Integer, Double> out = new HashMap<>();
    for (Map.Entry<String, Double> e : wire.entrySet()) {
      int id;
      try {
        id = Integer.parseInt(e.getKey().trim());
      } catch (NumberFormatException x) {
        throw ApiException.badRequest(
            "logit_bias", "keys must be token ids, got '" + e.getKey() + "'");
      }
      if (e.getValue() == null) {
        throw ApiException.badRequest("logit_bias", "the bias of token " + id + " is null");
      }
      out.put(id, e.getValue());
    }
    return out;
  }

  private static int[] ids(JsonNode arr, String param) {
    int[] ids = new int[arr.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode t = arr.get(i);
      if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() > Integer.MAX_VALUE) {
        throw ApiException.badRequest(param, "token ids must be non-negative integers");
      }
      ids[i] = t.asInt();
    }
    return ids;
  }
}
