package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Fields shared by completions and chat completions, in OpenAI's meaning. */
public abstract class SamplingFields extends LenientRequest {

  @Schema(
      description =
          "The model name (routed by the A/B split) or '<model>:<variant>' to force a variant",
      required = true)
  public String model;

  @JsonProperty("max_tokens")
  public Integer maxTokens;

  @Schema(description = "0 = greedy; default 1")
  public Double temperature;

  @JsonProperty("top_p")
  public Double topP;

  @Schema(description = "Choices to generate per prompt; default 1")
  public Integer n;

  public Boolean stream;

  @JsonProperty("stream_options")
  public StreamOptions streamOptions;

  @Schema(
      description = "A string or an array of up to 4 strings",
      oneOf = {String.class, String[].class})
  public JsonNode stop;

  @Schema(description = "Same seed and parameters, same output")
  public Long seed;

  @JsonProperty("presence_penalty")
  public Double presencePenalty;

  @JsonProperty("frequency_penalty")
  public Double frequencyPenalty;

  @JsonProperty("logit_bias")
  public Map<String, Double> logitBias;

  @Schema(description = "End-user id; also makes A/B routing sticky")
  public String user;

  @JsonProperty("top_k")
  @Schema(description = "Extension (not OpenAI): keep only the k most likely tokens; 0 or -1 = off")
  public Integer topK;

  @JsonProperty("repetition_penalty")
  @Schema(description = "Extension (not OpenAI): CTRL-style repetition penalty, 1 = off")
  public Double repetitionPenalty;

  @JsonProperty("min_p")
  @Schema(
      description =
          "Extension (not OpenAI, as vLLM's and llama.cpp's): keep only tokens at least min_p times"
              + " as likely as the most likely one; 0 = off")
  public Double minP;

  @JsonProperty("min_tokens")
  @Schema(
      description =
          "Extension (not OpenAI, as vLLM's): the end-of-sequence and stop_token_ids cannot end the"
              + " reply before this many tokens")
  public Integer minTokens;

  @JsonProperty("ignore_eos")
  @Schema(
      description =
          "Extension (not OpenAI, as vLLM's): keep generating past the end-of-sequence token"
              + " until max_tokens or a stop string; for benchmarks")
  public Boolean ignoreEos;

  @JsonProperty("stop_token_ids")
  @Schema(
      description =
          "Extension (not OpenAI, as vLLM's): token ids that end the generation (finish_reason"
              + " stop) besides the model's end-of-sequence; their text is not returned")
  public java.util.List<Integer> stopTokenIds;

  @JsonProperty("truncate_prompt_tokens")
  @Schema(
      description =
          "Extension (vLLM's): keep only the prompt's last N tokens (-1: as many as the context"
              + " holds)")
  public Integer truncatePromptTokens;

  @JsonProperty("allowed_token_ids")
  @Schema(description = "Extension (vLLM's): only these token ids may be generated")
  public java.util.List<Integer> allowedTokenIds;

  @JsonProperty("include_stop_str_in_output")
  @Schema(
      description =
          "Extension (vLLM's): the stop string that ends the reply is part of its text (default"
              + " false)")
  public Boolean includeStopStrInOutput;

  @JsonProperty("structured_outputs")
  @Schema(
      description =
          "Extension (not OpenAI, as vLLM's): {\"regex\": \"...\"} (the whole reply matches,"
              + " ECMA-262 syntax), {\"choice\": [\"...\"]} (the reply is one of them),"
              + " {\"grammar\": \"...\"} (the reply is derived from the GBNF grammar's root),"
              + " {\"json\": schema} (as response_format json_schema) or {\"json_object\": true}")
  public JsonNode structuredOutputs;

  @JsonProperty("guided_regex")
  @Schema(description = "Extension (vLLM's older name): as structured_outputs.regex")
  public String guidedRegex;

  @JsonProperty("guided_choice")
  @Schema(description = "Extension (vLLM's older name): as structured_outputs.choice")
  public JsonNode guidedChoice;

  @JsonProperty("guided_json")
  @Schema(
      description =
          "Extension (vLLM's older name): as structured_outputs.json, a JSON schema (an object or"
              + " its JSON text)")
  public JsonNode guidedJson;

  @JsonProperty("guided_grammar")
  @Schema(description = "Extension (vLLM's older name): as structured_outputs.grammar")
  public String guidedGrammar;

  @JsonProperty("grammar")
  @Schema(description = "Extension (llama.cpp server's name): as structured_outputs.grammar (GBNF)")
  public String grammar;

  @JsonProperty("response_format")
  @Schema(
      description =
          "{\"type\":\"text\"} (default); {\"type\":\"json_object\"}: the output is one JSON"
              + " object (finish_reason stop) or its start (length); {\"type\":\"json_schema\","
              + " \"json_schema\":{\"name\",\"schema\",\"strict\"}}: a value the schema allows"
              + " (supported keywords in the README; others are a 400)")
  public JsonNode responseFormat;
}
