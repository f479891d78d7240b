package dev.shallows.engine.generate.json.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Integer-range patterns against plain comparisons of the numbers they spell. */
class IntegerRangeTest {

  @Test
  void smallRangesMatchExactlyTheirIntegers() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 300; trial++) {
      long lo = rnd.nextInt(2400) - 1200;
      long hi = lo + rnd.nextInt(1500);
      Pattern p = Pattern.compile(IntegerRange.pattern(lo, hi));
      for (long v = -1300; v <= 1300; v++) {
        assertEquals(v >= lo && v <= hi, p.matcher(Long.toString(v)).matches(), lo + ".." + hi);
      }
      for (String s : new String[] {"-0", "00", "01", "-01", "", "-", "1.0"}) {
        assertEquals(false, p.matcher(s).matches(), s + " in " + lo + ".." + hi);
      }
    }
  }

  @Test
  void largeRangesAgreeOnRandomNumbers() {
    Random rnd = new Random(4);
    for (int trial = 0; trial < 200; trial++) {
      long lo = (long) (Math.pow(10, rnd.nextInt(17)) * (rnd.nextDouble() * 2 - 1));
      long hi = lo + (long) (Math.pow(10, rnd.nextInt(17)) * rnd.nextDouble());
      Pattern p = Pattern.compile(IntegerRange.pattern(lo, hi));
      for (int i = 0; i < 300; i++) {
        long v =
            switch (i % 4) {
              case 0 -> lo + (long) ((hi - lo + 1) * rnd.nextDouble());
              case 1 -> lo - 1 - rnd.nextInt(1000);
              case 2 -> hi + 1 + rnd.nextInt(1000);
              default -> (long) (Math.pow(10, rnd.nextInt(17)) * (rnd.nextDouble() * 2 - 1));
            };
        if (Math.abs(v) > IntegerRange.LIMIT) {
          continue;
        }
        assertEquals(
            v >= lo && v <= hi, p.matcher(Long.toString(v)).matches(), v + " in " + lo + ".." + hi);
      }
    }
  }

  @Test
  void boundsBeyondSixteenDigitsAreClampedAndEmptyRangesRefused() {
    Pattern all = Pattern.compile(IntegerRange.pattern(Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(true, all.matcher("9999999999999999").matches());
    assertEquals(false, all.matcher("10000000000000000").matches());
    assertEquals(true, all.matcher("-9999999999999999").matches());
    assertThrows(IllegalArgumentException.class, () -> IntegerRange.pattern(5, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> IntegerRange.pattern(IntegerRange.LIMIT + 1, Long.MAX_VALUE));
  }
}
