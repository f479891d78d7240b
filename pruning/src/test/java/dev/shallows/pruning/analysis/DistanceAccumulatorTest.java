package dev.shallows.pruning.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DistanceAccumulatorTest {

  private static float[] unit(double degrees) {
    double r = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }

  @Test
  void angularDistanceOfKnownAngles() {
    assertEquals(0.0, AngularDistance.angular(unit(10), unit(10)), 1e-7);
    assertEquals(0.5, AngularDistance.angular(unit(0), unit(90)), 1e-7);
    assertEquals(1.0, AngularDistance.angular(unit(0), unit(180)), 1e-7);
    assertEquals(1.0 / 3, AngularDistance.angular(unit(30), unit(90)), 1e-7);
    // scale does not matter
    assertEquals(0.25, AngularDistance.angular(new float[] {3, 0}, new float[] {5, 5}), 1e-7);
  }

  @Test
  void averagesEveryBlockOverSamples() {
    // 3 layers; states rotate by 10°, 60°, 20° in sample 1 and 20°, 40°, 20° in sample 2
    DistanceAccumulator acc = new DistanceAccumulator(new int[] {0, 1, 2});
    acc.add(new float[][] {unit(0), unit(10), unit(70), unit(90)});
    acc.add(new float[][] {unit(0), unit(20), unit(60), unit(80)});
    DistanceTable t = acc.table();
    assertEquals(2, t.samples());
    // n = 1: blocks at l = 0, 1, 2 -> mean angles 15°, 50°, 20°
    assertEquals(15.0 / 180, t.distance(1, 0), 1e-7);
    assertEquals(50.0 / 180, t.distance(1, 1), 1e-7);
    assertEquals(20.0 / 180, t.distance(1, 2), 1e-7);
    assertEquals(0, t.bestStart(1));
    // n = 2: l = 0 -> (70 + 60)/2 = 65°, l = 1 -> (80 + 60)/2 = 70°
    assertEquals(65.0 / 180, t.distance(2, 0), 1e-7);
    assertEquals(70.0 / 180, t.distance(2, 1), 1e-7);
    assertEquals(0, t.bestStart(2));
    // block influence: 1 - cos of each single-layer rotation
    double bi1 = 1 - (Math.cos(Math.toRadians(60)) + Math.cos(Math.toRadians(40))) / 2;
    assertEquals(bi1, t.blockInfluence()[1], 1e-7);
    // rows rescale to [0, 1]: (15, 50, 20) -> (0, 1, 5/35)
    assertArrayEquals(new double[] {0, 1, 5.0 / 35}, t.rescaledRow(1), 1e-6);
    assertThrows(IllegalArgumentException.class, () -> t.distance(3, 0));
  }

  @Test
  void rejectsWrongNumberOfStates() {
    DistanceAccumulator acc = new DistanceAccumulator(new int[] {0, 1, 2});
    assertThrows(IllegalArgumentException.class, () -> acc.add(new float[][] {unit(0), unit(1)}));
    assertThrows(IllegalStateException.class, acc::table);
  }
}
