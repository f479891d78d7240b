package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code chat.completion.chunk}: one SSE event of a streamed chat completion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionChunk(
    String id,
    String object,
    long created,
    String model,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Choice> choices,
    Usage usage,
    @Schema(description = "Extension: the variant that served the request") String variant) {

  /** This chunk with {@code usage} set. */
  public ChatCompletionChunk withUsage(Usage u) {
    return new ChatCompletionChunk(
        id, object, created, model, systemFingerprint, choices, u, variant);
  }

  /** One choice's increment. */
  public record Choice(
      int index,
      @JsonInclude(JsonInclude.Include.ALWAYS) Delta delta,
      ChatLogprobs logprobs,
      @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS)
          String finishReason) {}

  /**
   * The increment: the role in the first chunk, then content pieces (or reasoning pieces, with a
   * reasoning parser) or tool calls.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Delta(
      String role,
      String content,
      @JsonProperty("tool_calls") List<ToolCall> toolCalls,
      @JsonProperty("reasoning_content") String reasoningContent) {}
}
