package dev.shallows.server.jobs;

import dev.shallows.pruning.Cancellation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One async job (prune, heal, eval): its state, progress and result, updated by the working thread
 * and read by the API. Listeners (the SSE streams) get a snapshot on every change.
 */
public final class Job {

  private final String id;
  private final String kind;
  private final Cancellation cancellation = new Cancellation();
  private final List<Consumer<JobView>> listeners = new CopyOnWriteArrayList<>();
  private final long createdAt = System.currentTimeMillis();

  private volatile JobState state = JobState.QUEUED;
  private volatile String stage = "queued";
  private volatile double progress;
  private final Map<String, Double> metrics = new LinkedHashMap<>();
  private volatile Long startedAt;
  private volatile Long finishedAt;
  private volatile Object result;
  private volatile String error;

  Job(String id, String kind) {
    this.id = id;
    this.kind = kind;
  }

  public String id() {
    return id;
  }

  public String kind() {
    return kind;
  }

  public JobState state() {
    return state;
  }

  /** The flag the work checks between units. */
  public Cancellation cancellation() {
    return cancellation;
  }

  /**
   * Reports progress: {@code done} of {@code total} units of {@code stage} (fraction = overall).
   */
  public void progress(String stage, double fraction) {
    this.stage = stage;
    this.progress = Math.max(0, Math.min(1, fraction));
    publish();
  }

  /** Records a metric such as the current loss. */
  public void metric(String name, double value) {
    synchronized (metrics) {
      metrics.put(name, value);
    }
    publish();
  }

  /** Returns the result when succeeded, null otherwise. */
  public Object result() {
    return result;
  }

  void start() {
    state = JobState.RUNNING;
    startedAt = System.currentTimeMillis();
    stage = "running";
    publish();
  }

  void succeed(Object value) {
    result = value;
    progress = 1;
    stage = "done";
    finish(JobState.SUCCEEDED);
  }

  void fail(String message) {
    error = message;
    finish(JobState.FAILED);
  }

  void cancelled() {
    finish(JobState.CANCELLED);
  }

  private void finish(JobState s) {
    finishedAt = System.currentTimeMillis();
    state = s;
    publish();
    listeners.clear();
  }

  /** Current snapshot. */
  public JobView view() {
    Double eta = null;
    Long started = startedAt;
    if (state == JobState.RUNNING && started != null && progress > 0.01) {
      double elapsed = (System.currentTimeMillis() - started) / 1000.0;
      eta = elapsed * (1 - progress) / progress;
    }
    Map<String, Double> m;
    synchronized (metrics) {
      m = Map.copyOf(metrics);
    }
    return new JobView(
        id,
        kind,
        state.name().toLowerCase(),
        stage,
        progress,
        m,
        createdAt,
        startedAt,
        finishedAt,
        eta,
        result,
        error);
  }

  /** Calls {@code l} on every change until the job ends; returns false if it already ended. */
  public boolean listen(Consumer<JobView> l) {
    if (state.terminal()) {
      return false;
    }
    listeners.add(l);
    return true;
  }

  public void unlisten(Consumer<JobView> l) {
    listeners.remove(l);
  }

  private void publish() {
    JobView v = view();
    for (Consumer<JobView> l : listeners) {
      l.accept(v);
    }
  }

  long finishedAtMillis() {
    Long f = finishedAt;
    return f == null ? Long.MAX_VALUE : f;
  }
}
