package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code chat.completion} object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionResponse(
    String id,
    String object,
    long created,
    String model,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    List<Choice> choices,
    Usage usage,
    @Schema(description = "Extension: the variant that served the request") String variant) {

  /** One choice. */
  public record Choice(
      int index,
      Message message,
      @JsonInclude(JsonInclude.Include.ALWAYS) ChatLogprobs logprobs,
      @JsonProperty("finish_reason") String finishReason) {}

  /**
   * The assistant message: its text, or (content null) the tool calls it makes; with a reasoning
   * parser, the reasoning before its answer (vLLM's {@code reasoning_content}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Message(
      String role,
      @JsonInclude(JsonInclude.Include.ALWAYS) String content,
      @JsonInclude(JsonInclude.Include.ALWAYS) String refusal,
      @JsonProperty("tool_calls") List<ToolCall> toolCalls,
      @JsonProperty("reasoning_content") String reasoningContent) {}
}
