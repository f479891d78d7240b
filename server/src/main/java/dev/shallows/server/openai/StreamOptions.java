package dev.shallows.server.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code stream_options}: with {@code include_usage} a last chunk carries the usage; with vLLM's
 * {@code continuous_usage_stats} every chunk of a choice carries that choice's usage so far.
 */
public class StreamOptions extends LenientRequest {
  @JsonProperty("include_usage")
  public Boolean includeUsage;

  @JsonProperty("continuous_usage_stats")
  public Boolean continuousUsageStats;

  /** Whether every chunk carries the usage so far. */
  public static boolean continuous(StreamOptions o) {
    return o != null && Boolean.TRUE.equals(o.continuousUsageStats);
  }
}
