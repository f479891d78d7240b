package dev.shallows.pruning.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.store.SharedData;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NaturalTextTest {

  @Test
  void sampleIsReproducibleCleanAndHeldOutTextIsDisjoint() {
    var corpus = SharedData.resolve("corpus");
    NaturalText.Sample a = NaturalText.sample(corpus, 5, 150_000, 30_000);
    NaturalText.Sample b = NaturalText.sample(corpus, 5, 150_000, 30_000);
    assertEquals(a, b);
    long train = a.train().stream().mapToLong(String::length).sum();
    long held = a.heldout().stream().mapToLong(String::length).sum();
    assertTrue(train >= 150_000 && train < 170_000, "train chars " + train);
    assertTrue(held >= 30_000 && held < 40_000, "held-out chars " + held);
    Set<String> trainParagraphs = new HashSet<>();
    for (String d : a.train()) {
      trainParagraphs.addAll(List.of(d.split("\n")));
    }
    for (String d : a.heldout()) {
      for (String p : d.split("\n")) {
        assertFalse(p.length() > 80 && trainParagraphs.contains(p), "in both splits: " + p);
      }
    }
    for (String d : a.train()) {
      String lower = d.toLowerCase(Locale.ROOT);
      assertFalse(lower.contains("gutenberg"), "licence text left in: " + d);
      assertFalse(d.contains("\r") || d.contains("_"), "markup left in: " + d);
    }
    NaturalText.Sample other = NaturalText.sample(corpus, 6, 150_000, 30_000);
    assertFalse(other.train().equals(a.train()), "another seed picks other text");
  }

  @Test
  void gutenbergParagraphsAreReflowedAndHeadingsDropped() {
    String body =
        "CHAPTER I.\n\nIt was a _bright_ cold day\nin April, and the clocks\n"
            + "were striking thirteen. {12}\n\n[Illustration: a clock]\n\nEnd.";
    assertEquals(
        List.of(
            "It was a bright cold day in April, and the clocks were striking thirteen.", "End."),
        NaturalText.gutenberg(body));
    String kjv =
        "\nGenesis 1\n\n  1 In the beginning.\n  2 And the earth.\n\nGenesis 2\n\n  1 Thus.\n";
    assertEquals(
        List.of("In the beginning. And the earth.", "Thus."), NaturalText.kjvChapters(kjv));
  }
}
