package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /v1/completions} body. */
@Schema(name = "CompletionRequest")
public class CompletionRequest extends SamplingFields {

  @Schema(
      description = "A string, an array of strings, an array of token ids, or an array of those",
      required = true)
  public JsonNode prompt;

  @Schema(description = "Return log-probabilities of this many most likely tokens (0..20)")
  public Integer logprobs;

  @Schema(description = "Echo the prompt (with prompt-token logprobs when logprobs is set)")
  public Boolean echo;

  @JsonProperty("best_of")
  @Schema(description = "Only best_of == n is supported")
  public Integer bestOf;

  @Schema(description = "Not supported (insertion); rejected when set")
  public String suffix;
}
