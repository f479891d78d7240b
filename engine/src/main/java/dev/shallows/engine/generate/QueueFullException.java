package dev.shallows.engine.generate;

/**
 * A submission was refused because the batcher's admission queue is full (the server answers 429
 * with {@code Retry-After}).
 */
public final class QueueFullException extends RuntimeException {

  private final int limit;

  public QueueFullException(String batcher, int limit) {
    super(batcher + ": admission queue full (" + limit + " waiting); retry later");
    this.limit = limit;
  }

  /** The queue limit that was hit. */
  public int limit() {
    return limit;
  }
}
