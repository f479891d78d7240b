package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Legacy completions logprobs: parallel arrays. With {@code echo} the prompt tokens come first; the
 * first prompt token has a null logprob (nothing predicts it), as in OpenAI's API.
 */
public record CompletionLogprobs(
    List<String> tokens,
    @JsonProperty("token_logprobs") @JsonInclude(JsonInclude.Include.ALWAYS)
        List<Double> tokenLogprobs,
    @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
    @JsonProperty("text_offset") List<Integer> textOffset) {}
