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

  @Schema(
      description =
          "Functions the model may call: [{\"type\":\"function\",\"function\":{\"name\","
              + "\"description\",\"parameters\"}}]; used with tool_choice 'required' or a named"
              + " function, whose arguments are constrained to the parameters schema")
  public JsonNode tools;

  @JsonProperty("tool_choice")
  @Schema(
      description =
          "'none' (the default: a text reply), 'required' (one or more calls), or"
              + " {\"type\":\"function\",\"function\":{\"name\"}}; 'auto' is refused: it needs"
              + " a parser for the model's own tool-call format")
  public JsonNode toolChoice;

  @JsonProperty("parallel_tool_calls")
  @Schema(description = "With tool_choice 'required': allow several calls (default true)")
  public Boolean parallelToolCalls;
}
