package dev.shallows.pruning.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.pruning.eval.AccuracyResult;
import dev.shallows.pruning.eval.EvalResult;
import dev.shallows.pruning.eval.LossResult;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Writes a sweep as {@code sweep.csv}, {@code sweep.json} and {@code sweep.png}: accuracy (top) and
 * normalized loss (bottom) against the fraction of layers dropped, one line per task and strategy,
 * the shape of Figures 1 and 2 of Gromov et al.
 */
public final class SweepReport {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SweepReport() {}

  /** Task names in first-seen order. */
  static List<String> tasks(List<SweepRow> rows) {
    Set<String> t = new LinkedHashSet<>();
    rows.forEach(r -> t.addAll(r.results().keySet()));
    return new ArrayList<>(t);
  }

  /** CSV: one row per point, per task its value, 95% interval and n. */
  public static String csv(List<SweepRow> rows) {
    List<String> tasks = tasks(rows);
    StringBuilder sb = new StringBuilder("strategy,healed,n,fraction,layers_kept,removed_original");
    for (String t : tasks) {
      String v = t.equals("loss") ? "loss_normalized" : t + "_accuracy";
      sb.append(',').append(v).append(',').append(t).append("_ci95_low,");
      sb.append(t).append("_ci95_high,").append(t).append("_n");
    }
    sb.append('\n');
    for (SweepRow r : rows) {
      sb.append(r.strategy()).append(',').append(r.healed()).append(',').append(r.n());
      sb.append(String.format(Locale.ROOT, ",%.4f,%d,", r.fraction(), r.layers() - r.n()));
      sb.append('"')
          .append(
              r.removedOriginal().stream().map(String::valueOf).collect(Collectors.joining(" ")))
          .append('"');
      for (String t : tasks) {
        EvalResult e = r.results().get(t);
        if (e == null) {
          sb.append(",,,,");
          continue;
        }
        long n = e instanceof AccuracyResult a ? a.n() : ((LossResult) e).tokens();
        sb.append(
            String.format(
                Locale.ROOT, ",%.6f,%.6f,%.6f,%d", e.value(), e.ci95().low(), e.ci95().high(), n));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** JSON: the rows with full result summaries. */
  public static ObjectNode json(String model, List<SweepRow> rows) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model);
    ArrayNode arr = root.putArray("points");
    for (SweepRow r : rows) {
      ObjectNode o = arr.addObject();
      o.put("strategy", r.strategy());
      o.put("healed", r.healed());
      o.put("n", r.n());
      o.put("fraction", r.fraction());
      ArrayNode removed = o.putArray("removed_original");
      r.removedOriginal().forEach(removed::add);
      ObjectNode res = o.putObject("results");
      r.results().forEach((task, e) -> res.set(task, e.toJson(JSON)));
    }
    return root;
  }

  /** The two-panel chart. */
  public static JFreeChart chart(String title, List<SweepRow> rows) {
    NumberAxis x = new NumberAxis("fraction of layers dropped");
    x.setRange(-0.02, 1.0);
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
    plot.setGap(12);
    Map<String, XYSeries> acc = new LinkedHashMap<>();
    Map<String, XYSeries> loss = new LinkedHashMap<>();
    for (SweepRow r : rows) {
      r.results()
          .forEach(
              (task, e) -> {
                boolean isLoss = e instanceof LossResult;
                Map<String, XYSeries> m = isLoss ? loss : acc;
                String key = task + " " + r.series();
                m.computeIfAbsent(key, k -> new XYSeries(k, true, true))
                    .addOrUpdate(r.fraction(), e.value());
              });
    }
    if (!acc.isEmpty()) {
      NumberAxis y = new NumberAxis("accuracy");
      y.setRange(0, 1);
      XYPlot p = panel(acc, y);
      if (acc.keySet().stream().anyMatch(k -> k.startsWith("mmlu"))) {
        ValueMarker chance =
            new ValueMarker(
                0.25,
                Color.GRAY,
                new BasicStroke(
                    1f,
                    BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER,
                    1f,
                    new float[] {4f, 4f},
                    0f));
        chance.setLabel("MMLU chance");
        p.addRangeMarker(chance);
      }
      plot.add(p, 1);
    }
    if (!loss.isEmpty()) {
      NumberAxis y = new NumberAxis("normalized loss (nats / ln V)");
      y.setAutoRangeIncludesZero(false);
      plot.add(panel(loss, y), 1);
    }
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Colour by strategy; a dashed line for healed variants. */
  private static XYPlot panel(Map<String, XYSeries> series, NumberAxis y) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.values().forEach(data::addSeries);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    int i = 0;
    for (String key : series.keySet()) {
      Color c =
          key.contains("angular")
              ? new Color(31, 119, 180)
              : key.contains("last")
                  ? new Color(214, 39, 40)
                  : key.contains("block-influence") ? new Color(44, 160, 44) : Color.DARK_GRAY;
      boolean healed = key.endsWith("+heal");
      r.setSeriesPaint(i, c);
      r.setSeriesStroke(
          i,
          healed
              ? new BasicStroke(
                  2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(2f));
      i++;
    }
    XYPlot p = new XYPlot(data, null, y, r);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    return p;
  }

  /** Writes the three files into {@code dir} (created). */
  public static void write(Path dir, String model, List<SweepRow> rows) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("sweep.csv"), csv(rows), StandardCharsets.UTF_8);
      JSON.writeValue(dir.resolve("sweep.json").toFile(), json(model, rows));
      ChartUtils.saveChartAsPNG(
          dir.resolve("sweep.png").toFile(),
          chart(Path.of(model).getFileName() + ": layer pruning sweep", rows),
          900,
          800);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sweep to " + dir, e);
    }
  }
}
