package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hold-back of possible stop-string starts across token boundaries. */
class StopStringsTest {

  @Test
  void holdsBackAPossibleStartAndDropsTheStopString() {
    StopStrings s = new StopStrings(List.of("END", "\n\n"), false);
    assertEquals("Hello", s.push("Hello"));
    assertEquals(" ", s.push(" E")); // "E" may start "END"
    assertEquals("", s.push("N"));
    assertFalse(s.stopped());
    assertEquals("", s.push("D and more"));
    assertTrue(s.stopped());
    assertEquals("", s.push("later"));
    assertEquals("", s.flush());
  }

  @Test
  void releasesHeldTextWhenItTurnsOutNotToBeAStop() {
    StopStrings s = new StopStrings(List.of("END"), false);
    assertEquals("a", s.push("aE"));
    assertEquals("EX", s.push("X"));
    assertEquals("", s.push("EN"));
    assertEquals("EN", s.flush());
    assertFalse(s.stopped());
  }

  @Test
  void overlappingPrefixesAndTheEarliestStopWin() {
    StopStrings s = new StopStrings(List.of("abc"), false);
    assertEquals("a", s.push("aab")); // "ab" is held back, not just "b"
    assertEquals("", s.push("c"));
    assertTrue(s.stopped());

    StopStrings t = new StopStrings(List.of("zz", "y"), false);
    assertEquals("x", t.push("xyzz"));
    assertTrue(t.stopped());
  }

  @Test
  void aStopInsideOneChunkCutsThere() {
    StopStrings s = new StopStrings(List.of("\n\n"), false);
    assertEquals("foo", s.push("foo\n\nbar"));
    assertTrue(s.stopped());
  }

  @Test
  void noStopsReleasesEverything() {
    StopStrings s = new StopStrings(List.of(), false);
    assertEquals("anything", s.push("anything"));
    assertEquals("", s.flush());
  }

  @Test
  void includedTheStopStringEndsTheText() {
    StopStrings s = new StopStrings(List.of("END", "ENDING"), true);
    assertEquals("Hello ", s.push("Hello E"));
    assertEquals("END", s.push("ND and more"));
    assertTrue(s.stopped());
    StopStrings longest = new StopStrings(List.of("EN", "END"), true);
    assertEquals("xEND", longest.push("xEND!"), "the longest stop at the earliest place");
  }
}
