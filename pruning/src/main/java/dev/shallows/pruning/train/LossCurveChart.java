package dev.shallows.pruning.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A training loss curve as a PNG: the per-step loss (thin, light) and its running mean over a
 * window of steps (thick), against the optimizer step.
 */
public final class LossCurveChart {

  /** Steps averaged by the smooth line. */
  static final int WINDOW = 50;

  /** {@link #WINDOW} as text, for help messages (annotations need constants). */
  public static final String WINDOW_TEXT = "" + WINDOW;

  private LossCurveChart() {}

  /**
   * The loss curve recorded in a {@link Pretrainer#MANIFEST} file ({@code training.loss_curve}) or
   * in a training checkpoint's {@code trainer_state.json} ({@code losses}).
   */
  public static List<Double> read(Path file) {
    try {
      JsonNode root = new ObjectMapper().readTree(file.toFile());
      JsonNode curve = root.at("/training/loss_curve");
      if (curve.isMissingNode()) {
        curve = root.path("losses");
      }
      if (!curve.isArray() || curve.isEmpty()) {
        throw new IllegalArgumentException(
            file + " has no training.loss_curve (pretrain manifest) or losses (checkpoint state)");
      }
      List<Double> losses = new ArrayList<>();
      curve.forEach(v -> losses.add(v.asDouble()));
      return losses;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The chart of {@code losses} (step i+1 has loss losses[i]; non-finite steps are left out). */
  public static JFreeChart chart(String title, List<Double> losses) {
    XYSeries raw = new XYSeries("loss per step");
    XYSeries smooth = new XYSeries("mean of the last " + WINDOW + " steps");
    double sum = 0;
    int n = 0;
    List<Double> window = new ArrayList<>();
    for (int i = 0; i < losses.size(); i++) {
      double l = losses.get(i);
      if (!Double.isFinite(l)) {
        continue;
      }
      raw.add(i + 1, l);
      window.add(l);
      sum += l;
      n++;
      if (window.size() > WINDOW) {
        sum -= window.remove(0);
        n--;
      }
      smooth.add(i + 1, sum / n);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(raw);
    data.addSeries(smooth);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, new Color(31, 119, 180, 90));
    r.setSeriesStroke(0, new BasicStroke(0.8f));
    r.setSeriesPaint(1, new Color(31, 119, 180));
    r.setSeriesStroke(1, new BasicStroke(2.5f));
    NumberAxis y = new NumberAxis("cross-entropy (nats per token)");
    y.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(data, new NumberAxis("optimizer step"), y, r);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Writes the chart of {@code losses} to {@code png} (900 x 500). */
  public static void write(Path png, String title, List<Double> losses) {
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ChartUtils.saveChartAsPNG(png.toFile(), chart(title, losses), 900, 500);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }
}
