package dev.shallows.cli;

import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Training progress on stderr (step/total bar, loss, lr, tokens/s, ETA; redrawn in place on a
 * terminal, a line every few seconds otherwise), and Ctrl-C handling: the first interrupt asks the
 * trainer to stop after the current step and write its checkpoint before the JVM exits.
 */
final class TrainingProgress implements TrainingListener {

  private static final int WIDTH = 24;

  private final PrintStream err;
  private final boolean terminal;
  private final Cancellation cancel = new Cancellation();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private long lastDraw;

  TrainingProgress(PrintStream err) {
    this.err = err;
    this.terminal = System.console() != null;
    this.hook =
        new Thread(
            () -> {
              cancel.cancel();
              err.println("\ninterrupted: finishing the current step and writing a checkpoint...");
              try {
                finished.await(120, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Raised by Ctrl-C. */
  Cancellation cancellation() {
    return cancel;
  }

  /** Training is over (normally or not): stop waiting in the shutdown hook. */
  void done() {
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running and now returns
    }
  }

  @Override
  public void onStep(StepEvent e) {
    long now = System.nanoTime();
    boolean last = e.step() == e.totalSteps();
    long interval = terminal ? 200_000_000L : 5_000_000_000L;
    if (!last && lastDraw != 0 && now - lastDraw < interval) {
      return;
    }
    lastDraw = now;
    int filled = (int) ((long) WIDTH * e.step() / e.totalSteps());
    String line =
        String.format(
            Locale.ROOT,
            "train [%s%s] %d/%d  loss %.4f  lr %.2e  %.0f tok/s  ETA %s",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled),
            e.step(),
            e.totalSteps(),
            e.loss(),
            e.lr(),
            e.tokensPerSecond(),
            duration(e.etaSeconds()));
    if (terminal) {
      err.print("\r" + line + "   ");
      if (last) {
        err.println();
      }
    } else {
      err.println(line);
    }
    err.flush();
  }

  @Override
  public void onCheckpoint(int step, Path dir) {
    if (!terminal) {
      err.println("checkpoint after step " + step + " in " + dir);
    }
  }

  static String duration(double secs) {
    long s = Math.round(secs);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
