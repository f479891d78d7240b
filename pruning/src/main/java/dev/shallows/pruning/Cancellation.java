package dev.shallows.pruning;

import java.util.concurrent.CancellationException;

/**
 * A cooperative cancellation flag: the caller (a server request, a CLI signal handler) sets it, the
 * long-running loop calls {@link #check()} between units of work and stops with a {@link
 * CancellationException}.
 */
public final class Cancellation {

  /** A flag that is never raised. */
  public static Cancellation none() {
    return new Cancellation();
  }

  private volatile boolean cancelled;

  /** Asks the work to stop at its next check. */
  public void cancel() {
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Throws {@link CancellationException} if cancellation was requested. */
  public void check() {
    if (cancelled) {
      throw new CancellationException("cancelled");
    }
  }
}
