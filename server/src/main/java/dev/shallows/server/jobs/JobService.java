package dev.shallows.server.jobs;

import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs prune, heal and eval jobs one at a time on a dedicated platform thread (they are CPU-heavy
 * and must not starve serving), and keeps finished jobs for {@code shallows.evals.job-ttl}.
 */
@ApplicationScoped
public class JobService {

  private static final Logger LOG = Logger.getLogger(JobService.class);

  /** The work of a job; reports progress on the job and returns the result. */
  @FunctionalInterface
  public interface Work {
    Object run(Job job) throws Exception;
  }

  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicReference<Job> current =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "shallows-jobs");
            t.setDaemon(true);
            return t;
          });
  private final ShallowsConfig config;

  public JobService(ShallowsConfig config, MeterRegistry registry) {
    this.config = config;
    Gauge.builder("shallows_jobs_running", running, AtomicInteger::get)
        .description("Jobs running now")
        .register(registry);
    Gauge.builder(
            "shallows_job_progress", current, c -> c.get() == null ? 0 : c.get().view().progress())
        .description("Progress (0..1) of the running prune/heal/eval job")
        .register(registry);
  }

  /** Queues a job and returns it at once. */
  public Job submit(String kind, Work work) {
    evictOld();
    Job job = new Job(kind + "-" + UUID.randomUUID().toString().substring(0, 8), kind);
    jobs.put(job.id(), job);
    executor.submit(() -> execute(job, work));
    return job;
  }

  private void execute(Job job, Work work) {
    if (job.cancellation().isCancelled()) {
      job.cancelled();
      return;
    }
    running.incrementAndGet();
    current.set(job);
    job.start();
    try {
      Object result = work.run(job);
      if (job.cancellation().isCancelled()) {
        job.cancelled();
      } else {
        job.succeed(result);
      }
    } catch (CancellationException e) {
      job.cancelled();
    } catch (ApiException e) {
      job.fail(e.getMessage());
    } catch (Exception | Error e) {
      LOG.errorf(e, "job %s failed", job.id());
      job.fail(e.toString());
    } finally {
      current.set(null);
      running.decrementAndGet();
    }
  }

  public Job get(String id) {
    Job j = jobs.get(id);
    if (j == null) {
      throw ApiException.notFound("job '" + id + "'");
    }
    return j;
  }

  /** Jobs, newest first, optionally of one kind. */
  public List<Job> list(String kind) {
    return jobs.values().stream()
        .filter(j -> kind == null || j.kind().equals(kind))
        .sorted(Comparator.comparingLong((Job j) -> j.view().createdAt()).reversed())
        .toList();
  }

  /** Asks a job to stop at its next check; a queued job never starts. */
  public Job cancel(String id) {
    Job j = get(id);
    if (j.state().terminal()) {
      throw ApiException.conflict("id", "job '" + id + "' already " + j.view().state());
    }
    j.cancellation().cancel();
    return j;
  }

  public int runningCount() {
    return running.get();
  }

  private void evictOld() {
    long cutoff = System.currentTimeMillis() - config.evals().jobTtl().toMillis();
    jobs.values().removeIf(j -> j.state().terminal() && j.finishedAtMillis() < cutoff);
    List<Job> done =
        jobs.values().stream()
            .filter(j -> j.state().terminal())
            .sorted(Comparator.comparingLong(Job::finishedAtMillis))
            .toList();
    for (int i = 0; i < done.size() - config.evals().keepJobs(); i++) {
      jobs.remove(done.get(i).id());
    }
  }

  @PreDestroy
  void shutdown() {
    jobs.values().forEach(j -> j.cancellation().cancel());
    executor.shutdownNow();
  }
}
