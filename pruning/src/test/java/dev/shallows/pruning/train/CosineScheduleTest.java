package dev.shallows.pruning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedule values worked out by hand. */
class CosineScheduleTest {

  @Test
  void warmupIsLinearThenHalfCosineToTheFloor() {
    // peak 1e-3, floor 1e-4, 2 warmup steps, 7 steps: decay over steps 2..6 (4 intervals)
    CosineSchedule s = new CosineSchedule(1e-3, 1e-4, 2, 7);
    assertEquals(0.5e-3, s.at(0), 1e-15); // 1/2 of peak
    assertEquals(1e-3, s.at(1), 1e-15); // 2/2 of peak
    assertEquals(1e-3, s.at(2), 1e-15); // cos(0) = 1
    // progress 1/4: 1e-4 + 0.5 * 9e-4 * (1 + cos(pi/4)) = 1e-4 + 4.5e-4 * 1.70710678 = 8.6819805e-4
    assertEquals(8.6819805e-4, s.at(3), 1e-11);
    assertEquals(5.5e-4, s.at(4), 1e-15); // progress 1/2: midpoint
    // progress 3/4: 1e-4 + 4.5e-4 * (1 - 0.70710678) = 2.3180195e-4
    assertEquals(2.3180195e-4, s.at(5), 1e-11);
    assertEquals(1e-4, s.at(6), 1e-15); // last step reaches the floor
  }

  @Test
  void noWarmupStartsAtPeakAndBadSettingsAreRejected() {
    CosineSchedule s = new CosineSchedule(2.0, 0.0, 0, 3);
    assertEquals(2.0, s.at(0), 1e-15);
    assertEquals(1.0, s.at(1), 1e-15);
    assertEquals(0.0, s.at(2), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 0, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1, 2, 0, 4));
  }
}
