package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code text_completion} object, also used for stream chunks (then {@code usage} is null except in
 * the last chunk with {@code include_usage}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompletionResponse(
    String id,
    String object,
    long created,
    String model,
    @JsonProperty("system_fingerprint") String systemFingerprint,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Choice> choices,
    Usage usage,
    @Schema(description = "Extension: the variant that served the request") String variant) {

  /** This chunk with {@code usage} set. */
  public CompletionResponse withUsage(Usage u) {
    return new CompletionResponse(
        id, object, created, model, systemFingerprint, choices, u, variant);
  }

  /** One choice. */
  public record Choice(
      int index,
      String text,
      @JsonInclude(JsonInclude.Include.ALWAYS) CompletionLogprobs logprobs,
      @JsonProperty("finish_reason") @JsonInclude(JsonInclude.Include.ALWAYS)
          String finishReason) {}
}
