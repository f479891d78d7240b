package dev.shallows.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits one operation's independent blocks between the calling thread and one helper thread that
 * spins briefly between jobs (each job lasts microseconds to a few milliseconds: too short for an
 * executor's hand-off). Blocks are claimed from a shared counter, so when the helper is descheduled
 * (a busy machine) the caller simply does more of them: the work degrades to one thread instead of
 * stalling, which OpenBLAS's own thread pool did here (8x slower decode under load). A helper that
 * is descheduled mid-block still makes the caller wait, so after repeated long waits the caller
 * runs alone for the next 2000 jobs, then tries again. When the helper is busy with another
 * caller's job, the caller runs its blocks alone.
 */
public final class Parallel {

  /** One block of work. */
  public interface Body {
    void run(int block);
  }

  /** Total threads (caller + helpers): {@code shallows.cpu.threads}, default 2. */
  public static final int THREADS = Integer.getInteger("shallows.cpu.threads", 2);

  private static final long SPIN_NANOS = Long.getLong("shallows.cpu.spinMicros", 200) * 1000;
  private static final int STALLS = 16;
  private static final int SOLO_CALLS = 2000;
  private static final Helper HELPER = THREADS > 1 ? new Helper() : null;

  private Parallel() {}

  /** Runs body(0..n-1), spread over the caller and the helper; rethrows the first failure. */
  public static void forEach(int n, Body body) {
    if (n == 1 || HELPER == null || !HELPER.busy.compareAndSet(false, true)) {
      inline(n, body);
      return;
    }
    try {
      if (HELPER.soloCalls > 0) {
        HELPER.soloCalls--;
        inline(n, body);
        return;
      }
      Job job = new Job(body, n);
      long t0 = System.nanoTime();
      HELPER.post(job);
      job.work();
      long t1 = System.nanoTime();
      while (job.done.get() < n) {
        Thread.onSpinWait();
      }
      HELPER.account(t1 - t0, System.nanoTime() - t1);
      if (job.failure != null) {
        throw new IllegalStateException("parallel block failed", job.failure);
      }
    } finally {
      HELPER.busy.set(false);
    }
  }

  private static void inline(int n, Body body) {
    for (int i = 0; i < n; i++) {
      body.run(i);
    }
  }

  /** A job's blocks, claimed one at a time by whichever thread asks first. */
  private static final class Job {
    final Body body;
    final int n;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable failure;

    Job(Body body, int n) {
      this.body = body;
      this.n = n;
    }

    void work() {
      for (int i; (i = next.getAndIncrement()) < n; ) {
        try {
          body.run(i);
        } catch (Throwable t) {
          failure = t;
        } finally {
          done.incrementAndGet();
        }
      }
    }
  }

  /** The helper thread: waits (spin, then park) for a new job, helps with it, repeats. */
  private static final class Helper extends Thread {
    final AtomicBoolean busy = new AtomicBoolean();
    // guarded by busy: a descheduled helper (more runnable threads than cores) makes the caller
    // wait out its block; after STALLS such waits in a row the caller works alone for a while
    int soloCalls;
    private int stalls;
    private volatile Job job;
    private volatile boolean parked;

    Helper() {
      super("shallows-cpu-helper");
      setDaemon(true);
      start();
    }

    /** Notes one job: the caller's own time and how long it then waited for the helper. */
    void account(long own, long waited) {
      if (waited > own / 2 + 20_000) {
        if (++stalls >= STALLS) {
          stalls = 0;
          soloCalls = SOLO_CALLS;
        }
      } else if (stalls > 0) {
        stalls--;
      }
    }

    void post(Job j) {
      job = j;
      if (parked) {
        LockSupport.unpark(this);
      }
    }

    @Override
    public void run() {
      Job last = null;
      while (true) {
        Job j = job;
        long start = System.nanoTime();
        while (j == last) {
          if (System.nanoTime() - start > SPIN_NANOS) {
            parked = true;
            if (job == last) {
              LockSupport.park(this);
            }
            parked = false;
            start = System.nanoTime();
          } else {
            Thread.onSpinWait();
          }
          j = job;
        }
        last = j;
        j.work();
      }
    }
  }
}
