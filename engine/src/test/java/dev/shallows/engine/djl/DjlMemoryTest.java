package dev.shallows.engine.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat while decoding. {@link DjlMemoryProbe} runs in a fresh JVM whose heap is
 * fixed and pre-touched (so garbage cannot move RSS): after a warm-up, 1000 batched decode steps in
 * two windows of 500 must leave the model's and the sequences' managers with the same number of
 * arrays (the three-tier scoping works), and RSS must not grow in the second window by more than a
 * bound far below what leaked per-step temporaries would cost.
 */
class DjlMemoryTest {

  @Test
  void thousandDecodeStepsDoNotGrowNativeMemory() throws Exception {
    List<Map<String, Double>> rows = runProbe(200, 500, 2);
    assertEquals(3, rows.size(), "probe reports: " + rows);
    Map<String, Double> warm = rows.get(0);
    for (Map<String, Double> r : rows) {
      assertEquals(warm.get("model_arrays"), r.get("model_arrays"), "model tier: " + rows);
      assertEquals(warm.get("sequence_arrays"), r.get("sequence_arrays"), "sequence tier: " + rows);
    }
    double first = rows.get(1).get("rss_kb") - warm.get("rss_kb");
    double second = rows.get(2).get("rss_kb") - rows.get(1).get("rss_kb");
    System.out.printf(
        "1000 batched decode steps (B=2) in 2 windows: %.0f + %.0f ms; model arrays %.0f, sequence"
            + " arrays %.0f (unchanged); RSS %+.0f KiB then %+.0f KiB%n",
        rows.get(1).get("ms"),
        rows.get(2).get("ms"),
        warm.get("model_arrays"),
        warm.get("sequence_arrays"),
        first,
        second);
    // ~170 temporaries per step: leaking them would add tens of MiB per 500 steps
    assertTrue(second < 4 * 1024, "RSS grew by " + second + " KiB over 500 steps: " + rows);
  }

  /** Runs the probe in a child JVM and parses its report lines. */
  private static List<Map<String, Double>> runProbe(int warmup, int window, int windows)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xms256m",
            "-Xmx256m",
            "-XX:+AlwaysPreTouch",
            "-cp",
            cp,
            "-Dai.djl.offline=true",
            DjlMemoryProbe.class.getName(),
            String.valueOf(warmup),
            String.valueOf(window),
            String.valueOf(windows)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<Map<String, Double>> rows = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.append(line).append('\n');
        if (line.startsWith("window=")) {
          Map<String, Double> row = new HashMap<>();
          for (String kv : line.split(" ")) {
            String[] parts = kv.split("=");
            row.put(parts[0], Double.parseDouble(parts[1]));
          }
          rows.add(row);
        }
      }
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
    assertEquals(0, p.exitValue(), "probe failed:\n" + all);
    return rows;
  }
}
