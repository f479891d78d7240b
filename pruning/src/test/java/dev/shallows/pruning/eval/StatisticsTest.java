package dev.shallows.pruning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Textbook values: Newcombe (1998) for Wilson intervals, Agresti (2002 §10.1) for McNemar. */
class StatisticsTest {

  @Test
  void wilsonMatchesNewcombesTable() {
    // Newcombe, Stat. Med. 17:857 (1998), Table I, method 3 (score interval without correction)
    Interval a = Statistics.wilson(81, 263, Statistics.Z95);
    assertEquals(0.2553, a.low(), 5e-5);
    assertEquals(0.3662, a.high(), 5e-5);
    Interval b = Statistics.wilson(15, 148, Statistics.Z95);
    assertEquals(0.0624, b.low(), 5e-5);
    assertEquals(0.1605, b.high(), 5e-5);
    Interval c = Statistics.wilson(0, 20, Statistics.Z95);
    assertEquals(0.0, c.low(), 1e-12);
    assertEquals(0.1611, c.high(), 5e-5);
    Interval d = Statistics.wilson(1, 29, Statistics.Z95);
    assertEquals(0.0061, d.low(), 5e-5);
    assertEquals(0.1718, d.high(), 5e-5);
  }

  @Test
  void mcnemarOnAgrestisApprovalRatings() {
    // Agresti: presidential approval, 1600 people asked twice; n12 = 150, n21 = 86.
    // Uncorrected z = (86 - 150)/sqrt(236) = -4.17; with Edwards' correction (63^2)/236 = 16.82.
    assertEquals(16.8178, Statistics.mcnemarChiSquare(86, 150), 1e-4);
    assertEquals(4.1146e-5, Statistics.mcnemarCorrectedP(86, 150), 1e-8);
    // paired difference 0.55 - 0.59 = -0.04 with 95% CI (-0.06, -0.02)
    Interval ci = Statistics.pairedDifference(150, 86, 1600, Statistics.Z95);
    assertEquals(-0.0587, ci.low(), 1e-4);
    assertEquals(-0.0213, ci.high(), 1e-4);
  }

  @Test
  void exactMcnemarIsTheTwoSidedBinomialTail() {
    // b = 1, c = 9: 2 * (C(10,0) + C(10,1)) / 2^10 = 22/1024
    assertEquals(22.0 / 1024, Statistics.mcnemarExact(1, 9), 1e-15);
    assertEquals(22.0 / 1024, Statistics.mcnemarExact(9, 1), 1e-15);
    // balanced discordance caps at 1; no discordant pairs gives 1
    assertEquals(1.0, Statistics.mcnemarExact(5, 5), 1e-15);
    assertEquals(1.0, Statistics.mcnemarExact(0, 0), 1e-15);
    // b = 0, c = 6: 2 / 64
    assertEquals(2.0 / 64, Statistics.mcnemarExact(0, 6), 1e-15);
  }
}
