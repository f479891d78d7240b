package dev.shallows.pruning;

/**
 * Receives progress of long work (analysis passes, evaluations, sweeps) so that the CLI can draw a
 * progress bar and the server can stream events. Called on the working thread; keep it cheap.
 */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores everything. */
  ProgressListener NONE = (stage, done, total) -> {};

  /**
   * {@code done} of {@code total} units of {@code stage} are finished (total may be 0 if unknown).
   */
  void progress(String stage, long done, long total);
}
