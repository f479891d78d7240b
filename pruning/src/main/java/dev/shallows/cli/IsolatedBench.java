package dev.shallows.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.bench.DecodeBench.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one bench backend in a child JVM (the same java, JVM flags and class path as this one), so
 * that its resident memory is its own and not the sum of every backend run before it. The child is
 * {@code shallows bench ... --only NAME}; it prints each result as one {@link #MARKER} line.
 */
final class IsolatedBench {

  /** Prefix of a child's result line on stdout, followed by the JSON of a {@link Line}. */
  static final String MARKER = "BENCH-RESULT ";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One child result and the best read bandwidth the child measured (bytes/s). */
  record Line(Result result, double bandwidth) {}

  private IsolatedBench() {}

  /** The marker line for one result. */
  static String line(Result r, double bandwidth) {
    try {
      return MARKER + JSON.writeValueAsString(new Line(r, bandwidth));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The result in a marker line. */
  static Line parse(String markerLine) throws IOException {
    return JSON.readValue(markerLine.substring(MARKER.length()), Line.class);
  }

  /** Runs {@code shallows bench} with {@code args} in a child JVM; its stderr passes through. */
  static List<Line> run(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ShallowsCli.class.getName());
    cmd.add("bench");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<Line> lines = new ArrayList<>();
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String s; (s = out.readLine()) != null; ) {
          if (s.startsWith(MARKER)) {
            lines.add(parse(s));
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0 || lines.isEmpty()) {
        throw new IllegalStateException("bench child " + args + " exited with " + rc);
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run the bench child " + args, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the bench child ran", e);
    }
  }
}
