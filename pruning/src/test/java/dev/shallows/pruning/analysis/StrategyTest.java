package dev.shallows.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StrategyTest {

  /** A table for 5 layers with a chosen minimum per row and chosen block influences. */
  private static DistanceTable table(int[] layerIndices) {
    int l = layerIndices.length;
    double[][] d = new double[l - 1][];
    for (int n = 1; n < l; n++) {
      d[n - 1] = new double[l - n + 1];
      Arrays.fill(d[n - 1], 0.5);
      d[n - 1][Math.min(2, l - n)] = 0.1; // minimum at ℓ = 2 where possible
    }
    double[] bi = {0.3, 0.1, 0.5, 0.2, 0.4};
    return new DistanceTable(layerIndices, 1, d, Arrays.copyOf(bi, l));
  }

  @Test
  void lastNeverRemovesTheFinalLayer() {
    for (int layers = 2; layers <= 40; layers++) {
      for (int n = 1; n < layers; n++) {
        int[] removed = Strategy.LAST.positionsToRemove(layers, n, null);
        assertEquals(n, removed.length);
        assertEquals(layers - n - 1, removed[0]);
        assertEquals(layers - 2, removed[n - 1]);
        int finalLayer = layers - 1;
        assertFalse(Arrays.stream(removed).anyMatch(p -> p == finalLayer));
      }
    }
  }

  @Test
  void angularRemovesTheMinimumBlockAndNamesOriginalIndices() {
    // a model that is itself pruned: positions 0..4 are original layers 0, 2, 3, 5, 7
    int[] original = {0, 2, 3, 5, 7};
    PruningPlan p = PruningPlan.of(Strategy.ANGULAR, original, 2, table(original));
    assertArrayEquals(new int[] {2, 3}, p.removedPositions());
    assertArrayEquals(new int[] {3, 5}, p.removedOriginal());
    assertArrayEquals(new int[] {0, 1, 4}, p.keptPositions());
    assertArrayEquals(new int[] {0, 2, 7}, p.keptOriginal());
    assertEquals(0.1, p.blockDistance(), 1e-12);
    // n = 4 can only start at 0 or 1; the table's minimum is at 1
    assertArrayEquals(
        new int[] {1, 2, 3, 4},
        PruningPlan.of(Strategy.ANGULAR, original, 4, table(original)).removedPositions());
  }

  @Test
  void blockInfluenceRemovesTheLeastInfluentialLayers() {
    int[] idx = {0, 1, 2, 3, 4};
    PruningPlan p = PruningPlan.of(Strategy.BLOCK_INFLUENCE, idx, 2, table(idx));
    assertArrayEquals(new int[] {1, 3}, p.removedOriginal()); // BI 0.1 and 0.2 (ShortGPT)
    assertEquals(Double.NaN, p.blockDistance()); // not contiguous
  }

  @Test
  void validatesArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> Strategy.ANGULAR.positionsToRemove(5, 2, null));
    assertThrows(IllegalArgumentException.class, () -> Strategy.LAST.positionsToRemove(5, 5, null));
    assertEquals(0, Strategy.ANGULAR.positionsToRemove(5, 0, null).length);
    assertEquals(Strategy.BLOCK_INFLUENCE, Strategy.parse("Block_Influence"));
    assertThrows(IllegalArgumentException.class, () -> Strategy.parse("random"));
    assertEquals(2, PruningPlan.layersForFraction(0.25, 8));
    assertEquals(7, PruningPlan.layersForFraction(0.99, 8));
  }
}
