package dev.shallows.cli;

import dev.shallows.pruning.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A text progress bar on stderr for long CLI work: redrawn in place on a terminal, one line every
 * few seconds otherwise (logs, CI). Shows done/total, rate and an ETA.
 */
final class ProgressBar implements ProgressListener {

  private static final int WIDTH = 30;

  private final PrintStream err;
  private final boolean terminal;
  private String stage;
  private long stageStart;
  private long lastDraw;

  ProgressBar(PrintStream err) {
    this.err = err;
    this.terminal = System.console() != null;
  }

  @Override
  public void progress(String stage, long done, long total) {
    long now = System.nanoTime();
    if (!stage.equals(this.stage)) {
      finishLine();
      this.stage = stage;
      stageStart = now;
      lastDraw = 0;
    }
    boolean last = total > 0 && done >= total;
    long interval = terminal ? 100_000_000L : 5_000_000_000L;
    if (!last && lastDraw != 0 && now - lastDraw < interval) {
      return;
    }
    lastDraw = now;
    double secs = (now - stageStart) / 1e9;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-10s ", stage));
    if (total > 0) {
      int filled = (int) (WIDTH * Math.min(1.0, (double) done / total));
      sb.append('[').append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ");
      sb.append(done).append('/').append(total);
      if (done > 0 && !last) {
        double eta = secs / done * (total - done);
        sb.append(String.format(Locale.ROOT, "  ETA %.0fs", eta));
      }
    } else {
      sb.append(done);
    }
    sb.append(String.format(Locale.ROOT, "  %.1fs", secs));
    if (terminal) {
      err.print("\r" + sb + "   ");
      if (last) {
        err.println();
        this.stage = null;
      }
    } else {
      err.println(sb);
      if (last) {
        this.stage = null;
      }
    }
    err.flush();
  }

  /** Ends a bar that stopped before reaching its total. */
  void finishLine() {
    if (terminal && stage != null) {
      err.println();
    }
    stage = null;
  }
}
