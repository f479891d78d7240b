package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Chat logprobs: one entry per output token with its most likely alternatives. */
public record ChatLogprobs(List<Entry> content) {

  /** A token, its logprob, its UTF-8 bytes and the alternatives. */
  public record Entry(
      String token,
      double logprob,
      List<Integer> bytes,
      @JsonProperty("top_logprobs") List<Top> topLogprobs) {}

  /** An alternative token. */
  public record Top(String token, double logprob, List<Integer> bytes) {}
}
