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
              + "\"description\",\"parameters\"}}]; with tool_choice 'required' or a named"
              + " function the arguments are constrained to the parameters schema, with 'auto' the"
              + " model's tool-call parser reads calls from its text")
  public JsonNode tools;

  @JsonProperty("tool_choice")
  @Schema(
      description =
          "'none' (a text reply), 'auto' (text or calls in the model's own format; needs a"
              + " tool-call parser, and is the default with tools when the model has one),"
              + " 'required' (one or more calls), or"
              + " {\"type\":\"function\",\"function\":{\"name\"}}")
  public JsonNode toolChoice;

  @JsonProperty("parallel_tool_calls")
  @Schema(description = "With tool_choice 'required': allow several calls (default true)")
  public Boolean parallelToolCalls;

  @JsonProperty("add_generation_prompt")
  @Schema(
      description =
          "Extension (vLLM's): end the prompt with the template's start of an assistant reply"
              + " (default true)")
  public Boolean addGenerationPrompt;

  @JsonProperty("continue_final_message")
  @Schema(
      description =
          "Extension (vLLM's): end the prompt inside the last message, so the reply continues it"
              + " (an assistant prefill); implies add_generation_prompt false")
  public Boolean continueFinalMessage;

  @JsonProperty("chat_template_kwargs")
  @Schema(
      description =
          "Extension (vLLM's): more variables for the chat template, e.g."
              + " {\"enable_thinking\": false}")
  public com.fasterxml.jackson.databind.JsonNode chatTemplateKwargs;
}
