package dev.shallows.server.error;

/** 429: the variant's queue is full; the response carries {@code Retry-After}. */
public class RateLimitedException extends ApiException {

  private final int retryAfterSeconds;

  public RateLimitedException(String variant, int retryAfterSeconds) {
    super(
        429,
        "rate_limit_exceeded",
        null,
        "queue_full",
        "The queue of variant '" + variant + "' is full; retry after " + retryAfterSeconds + "s");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
