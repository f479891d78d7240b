package dev.shallows.engine.generate;

import dev.shallows.engine.generate.json.schema.JsonSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How one sequence is sampled and when it stops. Names follow OpenAI's completion parameters
 * ({@code top_k} and {@code repetition_penalty} are vLLM-style extensions). The constructor
 * validates every field and throws {@link BadParameterException} naming the wire parameter.
 *
 * @param temperature 0 = greedy (argmax, first index on ties, as llama2.c); else logits / T; >= 0
 * @param topP nucleus sampling: keep the smallest set of tokens whose probability mass reaches
 *     topP; in (0, 1], 1 disables it
 * @param topK keep the K most likely tokens; 0 disables it; >= 0
 * @param repetitionPenalty CTRL-style (HF/vLLM): for tokens seen in prompt or output, positive
 *     logits are divided by it and negative ones multiplied; > 0, 1 disables it
 * @param presencePenalty OpenAI: subtracted once from the logit of every token already generated;
 *     in [-2, 2]
 * @param frequencyPenalty OpenAI: subtracted from a logit once per earlier occurrence of that token
 *     in the output; in [-2, 2]
 * @param seed RNG seed: the same seed, prompt and parameters give the same output; null = random
 * @param maxTokens most tokens to generate (0 = none: prompt logprobs only); >= 0
 * @param stop stop strings: generation ends when the text contains one; the stop string and what
 *     follows are not returned; non-empty strings
 * @param stopTokenIds extra token ids that end the generation (finish "stop"), besides EOS
 * @param logprobs null = no logprobs; N in [0, 20] = the sampled token's logprob plus the N most
 *     likely alternatives at each position
 * @param promptLogprobs also compute the logprob of every prompt token (OpenAI echo + logprobs;
 *     costs a prefill that returns logits for all positions)
 * @param ignoreEos keep generating past the model's EOS tokens (stopTokenIds still apply)
 * @param logitBias OpenAI: token id -> value added to its logit before sampling (after the
 *     penalties), in [-100, 100]; -100 in effect bans a token, 100 forces it
 * @param jsonObject OpenAI's JSON mode: only tokens that continue one JSON object are sampled, and
 *     the generation stops (finish "stop") when the object closes
 * @param jsonSchema OpenAI's structured output: only tokens that continue a value the schema allows
 *     are sampled, and the generation stops when it closes; null = none
 * @param minP keep only tokens with probability >= minP times the most likely one's (after the
 *     temperature, top-k and top-p); 0 disables it
 * @param minTokens the end-of-sequence and stop token ids cannot end the reply before this many
 *     tokens (stop strings still can)
 * @param allowedTokenIds only these tokens may be sampled (vLLM's {@code allowed_token_ids}); empty
 *     = all
 * @param includeStopStrInOutput a stop string that ends the reply is part of its text (vLLM's
 *     {@code include_stop_str_in_output})
 * @param constrainAfter with a JSON mode, schema or guided pattern: the reply is free until it
 *     writes this text (a reasoning model's closing tag), and the constraint holds after it; null =
 *     from the first token
 * @param textPattern guided decoding (vLLM's regex / choice / grammar): the whole output is one
 *     text of the language; the end tokens are allowed only where the text so far is a whole match;
 *     null = none
 */
public record SamplingParams(
    double temperature,
    double topP,
    int topK,
    double repetitionPenalty,
    double presencePenalty,
    double frequencyPenalty,
    Long seed,
    int maxTokens,
    List<String> stop,
    List<Integer> stopTokenIds,
    Integer logprobs,
    boolean promptLogprobs,
    boolean ignoreEos,
    Map<Integer, Double> logitBias,
    boolean jsonObject,
    JsonSchema jsonSchema,
    GuidedText textPattern,
    double minP,
    int minTokens,
    String constrainAfter,
    List<Integer> allowedTokenIds,
    boolean includeStopStrInOutput) {

  /** Largest |bias| of a {@code logit_bias} entry (OpenAI's limit). */
  public static final double MAX_LOGIT_BIAS = 100;

  /** Largest {@code logprobs} accepted (OpenAI's {@code top_logprobs} limit). */
  public static final int MAX_LOGPROBS = 20;

  public SamplingParams {
    if (!Double.isFinite(temperature) || temperature < 0) {
      throw new BadParameterException("temperature", "must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new BadParameterException("top_p", "must be in (0, 1], got " + topP);
    }
    if (!(minP >= 0 && minP <= 1)) {
      throw new BadParameterException("min_p", "must be in [0, 1], got " + minP);
    }
    if (topK < 0) {
      throw new BadParameterException("top_k", "must be >= 0 (0 disables it), got " + topK);
    }
    if (!Double.isFinite(repetitionPenalty) || repetitionPenalty <= 0) {
      throw new BadParameterException(
          "repetition_penalty", "must be > 0 (1 disables it), got " + repetitionPenalty);
    }
    if (!(presencePenalty >= -2 && presencePenalty <= 2)) {
      throw new BadParameterException(
          "presence_penalty", "must be in [-2, 2], got " + presencePenalty);
    }
    if (!(frequencyPenalty >= -2 && frequencyPenalty <= 2)) {
      throw new BadParameterException(
          "frequency_penalty", "must be in [-2, 2], got " + frequencyPenalty);
    }
    if (maxTokens < 0) {
      throw new BadParameterException("max_tokens", "must be >= 0, got " + maxTokens);
    }
    if (minTokens < 0 || minTokens > maxTokens) {
      throw new BadParameterException(
          "min_tokens", "must be in [0, max_tokens = " + maxTokens + "], got " + minTokens);
    }
    if (logprobs != null && (logprobs < 0 || logprobs > MAX_LOGPROBS)) {
      throw new BadParameterException(
          "logprobs", "must be in [0, " + MAX_LOGPROBS + "], got " + logprobs);
    }
    stop = List.copyOf(stop == null ? List.of() : stop);
    for (String s : stop) {
      if (s.isEmpty()) {
        throw new BadParameterException("stop", "stop strings must not be empty");
      }
    }
    logitBias = Map.copyOf(logitBias == null ? Map.of() : logitBias);
    for (Map.Entry<Integer, Double> e : logitBias.entrySet()) {
      if (e.getKey() < 0) {
        throw new BadParameterException("logit_bias", "token ids must be >= 0, got " + e.getKey());
      }
      if (!(Math.abs(e.getValue()) <= MAX_LOGIT_BIAS)) {
        throw new BadParameterException(
            "logit_bias",
            "biases must be in [-100, 100], got " + e.getValue() + " for token " + e.getKey());
      }
    }
    stopTokenIds = List.copyOf(stopTokenIds == null ? List.of() : stopTokenIds);
    for (int id : stopTokenIds) {
      if (id < 0) {
        throw new BadParameterException("stop_token_ids", "token ids must be >= 0, got " + id);
      }
    }
    allowedTokenIds = List.copyOf(allowedTokenIds == null ? List.of() : allowedTokenIds);
    for (Integer id : allowedTokenIds) {
      if (id == null || id < 0) {
        throw new BadParameterException("allowed_token_ids", "token ids must be >= 0, got " + id);
      }
    }
    if (jsonObject && jsonSchema != null) {
      throw new BadParameterException(
          "response_format", "JSON mode and a JSON schema are exclusive: give one");
    }
    if (textPattern != null && (jsonObject || jsonSchema != null)) {
      throw new BadParameterException(
          "structured_outputs",
          "a regex, choice or grammar and a JSON response_format are exclusive");
    }
  }

  /** OpenAI's defaults: temperature 1, top_p 1, no penalties, random seed, 16 tokens. */
  public static SamplingParams defaults() {
    return builder().build();
  }

  /** Greedy decoding (temperature 0) of up to {@code maxTokens} tokens. */
  public static SamplingParams greedy(int maxTokens) {
    return builder().temperature(0).maxTokens(maxTokens).build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.topP = topP;
    b.topK = topK;
    b.repetitionPenalty = repetitionPenalty;
    b.presencePenalty = presencePenalty;
    b.frequencyPenalty = frequencyPenalty;
    b.seed = seed;
    b.maxTokens = maxTokens;
    b.stop = new ArrayList<>(stop);
    b.stopTokenIds = new ArrayList<>(stopTokenIds);
    b.logprobs = logprobs;
    b.promptLogprobs = promptLogprobs;
    b.ignoreEos = ignoreEos;
    b.logitBias = new HashMap<>(logitBias);
    b.jsonObject = jsonObject;
    b.jsonSchema = jsonSchema;
    b.textPattern = textPattern;
    b.minP = minP;
    b.minTokens = minTokens;
    b.constrainAfter = constrainAfter;
    b.allowedTokenIds = new ArrayList<>(allowedTokenIds);
    b.includeStopStrInOutput = includeStopStrInOutput;
    return b;
  }

  /** True when sampling is plain argmax. */
  public boolean isGreedy() {
    return temperature == 0;
  }

  /** True when any penalty changes the logits. */
  public boolean hasPenalties() {
    return repetitionPenalty != 1 || presencePenalty != 0 || frequencyPenalty != 0;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private double temperature = 1.0;
    private double topP = 1.0;
    private int topK = 0;
    private double repetitionPenalty = 1.0;
    private double presencePenalty = 0.0;
    private double frequencyPenalty = 0.0;
    private Long seed = null;
    private int maxTokens = 16;
    private List<String> stop = new ArrayList<>();
    private List<Integer> stopTokenIds = new ArrayList<>();
    private Integer logprobs = null;
    private boolean promptLogprobs = false;
    private boolean ignoreEos = false;
    private Map<Integer, Double> logitBias = new HashMap<>();
    private boolean jsonObject;
    private JsonSchema jsonSchema;
    private GuidedText textPattern;
    private String constrainAfter;
    private List<Integer> allowedTokenIds = new ArrayList<>();
    private boolean includeStopStrInOutput;
    private double minP = 0;
    private int minTokens = 0;

    private Builder() {}

    public Builder temperature(double v) {
      temperature = v;
      return this;
    }

    public Builder topP(double v) {
      topP = v;
      return this;
    }

    public Builder topK(int v) {
      topK = v;
      return this;
    }

    public Builder repetitionPenalty(double v) {
      repetitionPenalty = v;
      return this;
    }

    public Builder presencePenalty(double v) {
      presencePenalty = v;
      return this;
    }

    public Builder frequencyPenalty(double v) {
      frequencyPenalty = v;
      return this;
    }

    public Builder seed(Long v) {
      seed = v;
      return this;
    }

    public Builder maxTokens(int v) {
      maxTokens = v;
      return this;
    }

    public Builder stop(List<String> v) {
      stop = new ArrayList<>(v);
      return this;
    }

    public Builder stopTokenIds(List<Integer> v) {
      stopTokenIds = new ArrayList<>(v);
      return this;
    }

    public Builder logprobs(Integer v) {
      logprobs = v;
      return this;
    }

    public Builder promptLogprobs(boolean v) {
      promptLogprobs = v;
      return this;
    }

    public Builder ignoreEos(boolean v) {
      ignoreEos = v;
      return this;
    }

    public Builder logitBias(Map<Integer, Double> v) {
      logitBias = new HashMap<>(v);
      return this;
    }

    public Builder jsonObject(boolean v) {
      jsonObject = v;
      return this;
    }

    public Builder jsonSchema(JsonSchema v) {
      jsonSchema = v;
      return this;
    }

    public Builder textPattern(GuidedText v) {
      textPattern = v;
      return this;
    }

    public Builder minP(double v) {
      minP = v;
      return this;
    }

    public Builder minTokens(int v) {
      minTokens = v;
      return this;
    }

    public Builder constrainAfter(String v) {
      constrainAfter = v;
      return this;
    }

    public Builder allowedTokenIds(List<Integer> v) {
      allowedTokenIds = v == null ? new ArrayList<>() : new ArrayList<>(v);
      return this;
    }

    public Builder includeStopStrInOutput(boolean v) {
      includeStopStrInOutput = v;
      return this;
    }

    public SamplingParams build() {
      return new SamplingParams(
          temperature,
          topP,
          topK,
          repetitionPenalty,
          presencePenalty,
          frequencyPenalty,
          seed,
          maxTokens,
          stop,
          stopTokenIds,
          logprobs,
          promptLogprobs,
          ignoreEos,
          logitBias,
          jsonObject,
          jsonSchema,
          textPattern,
          minP,
          minTokens,
          constrainAfter,
          allowedTokenIds,
          includeStopStrInOutput);
    }
  }
}
