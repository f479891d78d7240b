package dev.shallows.pruning.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * Draws the distance table as a heatmap like Figure 4 of Gromov et al.: x is the first layer of the
 * block ℓ, y the block size n, colour the distance with each row rescaled to [0, 1], and a ring on
 * the minimum ℓ*(n) of each row. Made with JFreeChart.
 */
public final class DistanceHeatmap {

  /** Viridis anchor colours (dark purple = small distance, yellow = large). */
  private static final Color[] VIRIDIS = {
    new Color(68, 1, 84),
    new Color(59, 82, 139),
    new Color(33, 145, 140),
    new Color(94, 201, 98),
    new Color(253, 231, 37)
  };

  private DistanceHeatmap() {}

  /** Builds the chart (exposed for tests and for the server to render in other formats). */
  public static JFreeChart chart(DistanceTable t, String title) {
    int layers = t.layers();
    int cells = 0;
    for (int n = 1; n < layers; n++) {
      cells += layers - n + 1;
    }
    double[][] xyz = new double[3][cells];
    int i = 0;
    for (int n = 1; n < layers; n++) {
      double[] row = t.rescaledRow(n);
      for (int l = 0; l < row.length; l++) {
        xyz[0][i] = l;
        xyz[1][i] = n;
        xyz[2][i] = row[l];
        i++;
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("distance", xyz);

    LookupPaintScale scale = new LookupPaintScale(0.0, 1.0001, VIRIDIS[0]);
    int steps = 64;
    for (int s = 0; s < steps; s++) {
      double v = s / (double) steps;
      scale.add(v, viridis(v));
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    renderer.setBlockWidth(1.0);
    renderer.setBlockHeight(1.0);

    NumberAxis x = new NumberAxis("first layer of the block, ℓ (0-based)");
    x.setRange(-0.5, layers - 0.5);
    x.setTickUnit(new NumberTickUnit(Math.max(1, layers / 16)));
    NumberAxis y = new NumberAxis("layers in the block, n");
    y.setRange(0.5, layers - 0.5);
    y.setTickUnit(new NumberTickUnit(Math.max(1, layers / 16)));
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    for (int n = 1; n < layers; n++) {
      int best = t.bestStart(n);
      plot.addAnnotation(
          new XYShapeAnnotation(
              new Ellipse2D.Double(best - 0.3, n - 0.3, 0.6, 0.6), new BasicStroke(2f), Color.RED));
    }

    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
    NumberAxis legendAxis = new NumberAxis("shifted and rescaled angular distance");
    legendAxis.setRange(0, 1);
    PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 4, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /** Writes the heatmap as a PNG. */
  public static void writePng(DistanceTable t, String title, Path file) {
    try {
      ChartUtils.saveChartAsPNG(file.toFile(), chart(t, title), 900, 700);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Linear interpolation between the viridis anchors, v in [0, 1]. */
  static Color viridis(double v) {
    double p = Math.max(0, Math.min(1, v)) * (VIRIDIS.length - 1);
    int a = Math.min((int) p, VIRIDIS.length - 2);
    double f = p - a;
    Color c0 = VIRIDIS[a];
    Color c1 = VIRIDIS[a + 1];
    return new Color(
        (int) Math.round(c0.getRed() + f * (c1.getRed() - c0.getRed())),
        (int) Math.round(c0.getGreen() + f * (c1.getGreen() - c0.getGreen())),
        (int) Math.round(c0.getBlue() + f * (c1.getBlue() - c0.getBlue())));
  }
}
