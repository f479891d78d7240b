package dev.shallows.engine.generate;

/** Why a generation ended; {@link #wire()} is the OpenAI {@code finish_reason} string. */
public enum FinishReason {
  /** An end-of-sequence token or a stop string / stop token was produced. */
  STOP("stop"),
  /** {@code max_tokens} reached, or the context (or the sequence's KV cache) is full. */
  LENGTH("length"),
  /** Aborted by the caller (client disconnect, shutdown); not an OpenAI value (vLLM's "abort"). */
  ABORT("abort");

  private final String wire;

  FinishReason(String wire) {
    this.wire = wire;
  }

  /** The OpenAI wire value: {@code stop}, {@code length} (or {@code abort}). */
  public String wire() {
    return wire;
  }
}
