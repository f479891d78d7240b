package dev.shallows.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reasoning split from content on replies written by hand (a block the reply opens, one the prompt
 * opened, none, one cut short), and streamed in pieces of every size: the pieces add up to the
 * whole reply's split, and no part of a tag ever goes out.
 */
class ThinkTagsTest {

  private final ThinkTags tags = ThinkTags.named("think");

  @Test
  void repliesSplitAtTheTags() {
    ThinkTags.Split s = tags.split("<think>\nSum the two.\n</think>\n\nIt is 4.", false);
    assertEquals("\nSum the two.\n", s.reasoning());
    assertEquals("It is 4.", s.content());
    // the prompt opened the block (DeepSeek-R1 distills' template)
    s = tags.split("Two and two.</think>Four.", true);
    assertEquals("Two and two.", s.reasoning());
    assertEquals("Four.", s.content());
    // no block: all content, spaces kept
    s = tags.split("  Just an answer <think> later", false);
    assertNull(s.reasoning());
    assertEquals("  Just an answer <think> later", s.content());
    // cut inside the block: all reasoning
    s = tags.split("<think>Still thinking", false);
    assertEquals("Still thinking", s.reasoning());
    assertNull(s.content());
    s = tags.split("<think>Done.</think>  ", false);
    assertEquals("Done.", s.reasoning());
    assertNull(s.content(), "an answer of spaces is none");
    assertEquals(new ThinkTags.Split(null, "<thi"), tags.split("<thi", false));
  }

  @Test
  void streamedPiecesAddUpToTheWholeSplit() {
    List<String> replies =
        List.of(
            "<think>\nA < B, and </thin is not a tag.\n</think>\n\nAnswer: yes.",
            " <think>x</think>y",
            "No reasoning at all.",
            "<think>cut</thi",
            "<th",
            "");
    for (String reply : replies) {
      for (boolean inside : new boolean[] {false, true}) {
        ThinkTags.Split whole = tags.split(reply, inside);
        for (int piece = 1; piece <= 9; piece++) {
          ThinkTags.Stream s = tags.stream(inside);
          StringBuilder reasoning = new StringBuilder();
          StringBuilder content = new StringBuilder();
          for (int i = 0; i < reply.length(); i += piece) {
            add(
                s.feed(reply.substring(i, Math.min(reply.length(), i + piece))),
                reasoning,
                content);
          }
          add(s.end(), reasoning, content);
          String at = reply + " (inside " + inside + ", pieces of " + piece + ")";
          assertEquals(orEmpty(whole.reasoning()), reasoning.toString(), at);
          assertEquals(orEmpty(whole.content()), content.toString(), at);
          assertTrue(!reasoning.toString().contains("</think>"), at);
        }
      }
    }
  }

  private static void add(ThinkTags.Split s, StringBuilder reasoning, StringBuilder content) {
    reasoning.append(orEmpty(s.reasoning()));
    content.append(orEmpty(s.content()));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  @Test
  void theTemplateSelectsTheParserAndThePromptWhereTheReplyStarts() {
    String r1 =
        "{% for m in messages %}<｜User｜>{{ m.content }}{% endfor %}<｜Assistant｜><think>\n"
            + "{# strips everything up to </think> from earlier replies #}";
    assertTrue(ThinkTags.detect(new ChatTemplate(r1, "", "")) != null);
    assertNull(ThinkTags.detect(new ChatTemplate(null, "", "")));
    assertNull(ThinkTags.detect(new ChatTemplate("{{ messages[0].content }}", "", "")));
    assertTrue(ThinkTags.opens("<｜Assistant｜><think>\n"));
    assertTrue(!ThinkTags.opens("<｜Assistant｜>"));
    assertNull(ThinkTags.named("none"));
    assertThrows(IllegalArgumentException.class, () -> ThinkTags.named("harmony"));
  }
}
