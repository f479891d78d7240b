package dev.shallows.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.engine.bench.DecodeBench;
import dev.shallows.engine.bench.DecodeBench.Result;
import dev.shallows.engine.bench.ResidentMemory;
import org.junit.jupiter.api.Test;

/** A child's result line survives the trip through JSON whole (records, nested shape, memory). */
class IsolatedBenchTest {

  @Test
  void resultLinesRoundTrip() throws Exception {
    Result r =
        new Result(
            DecodeBench.TINYLLAMA,
            "nf4-p8",
            47.7,
            8.79,
            28.68,
            120.5,
            410.2,
            384_000_000L,
            650_000_000L,
            new ResidentMemory(873_000_000L, 804_000_000L, 69_000_000L, 662_000_000L));
    String line = IsolatedBench.line(r, 16.1e9);
    assertTrue(line.startsWith(IsolatedBench.MARKER) && !line.contains("\n"), line);
    IsolatedBench.Line back = IsolatedBench.parse(line);
    assertEquals(r, back.result());
    assertEquals(16.1e9, back.bandwidth());
  }
}
