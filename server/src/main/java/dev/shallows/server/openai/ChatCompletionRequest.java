package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /v1/chat/completions} body. */
@Schema(name = "ChatCompletionRequest")
public class ChatCompletionRequest extends SamplingFields {

  @Schema(required = true)
  public List<ChatMessage> messages;

  @JsonProperty("max_completion_tokens")
  @Schema(description = "Preferred over the deprecated max_tokens")
  public Integer maxCompletionTokens;

  @Schema(description = "Return the log-probability of each output token")
  public Boolean logprobs;

  @JsonProperty("top_logprobs")
  @Schema(description = "0..20 most likely alternatives per position; needs logprobs=true")
  public Integer topLogprobs;

  @Schema(description = "Not supported; rejected when non-empty")
  public JsonNode tools;
}
