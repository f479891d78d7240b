package dev.shallows.pruning.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Question items about the world and their prompt formats: MMLU's multiple-choice layout (Hendrycks
 * et al.) and BoolQ's passage + yes/no question, shared by the training corpus (which teaches the
 * formats with training phrasings) and the evaluation sets (which use evaluation-only phrasings).
 */
public final class Quiz {

  /** The MMLU subject of the world's questions; files are named {@code world_knowledge_*.csv}. */
  public static final String SUBJECT = "world_knowledge";

  static final String LETTERS = "ABCD";

  /** A four-way multiple-choice question; {@code answer} is the index of the true value. */
  public record McItem(
      Person person, Attribute attribute, String question, List<String> choices, int answer) {}

  /** A yes/no question about whether {@code value} is the person's attribute value. */
  public record YesNoItem(
      Person person,
      Attribute attribute,
      String question,
      String passage,
      String value,
      boolean label) {}

  private Quiz() {}

  /** An MC item with the true value at {@code answer} and three distinct wrong values. */
  static McItem mc(
      World w, Phrasebook book, Phrasebook.Kind kind, Person p, Attribute a, int answer, Random r) {
    String truth = p.fact(a);
    List<String> wrong = new ArrayList<>(w.values().get(a));
    wrong.remove(truth);
    Collections.shuffle(wrong, r);
    List<String> choices = new ArrayList<>(wrong.subList(0, 3));
    choices.add(answer, truth);
    return new McItem(p, a, book.question(p, a, kind, truth, r), List.copyOf(choices), answer);
  }

  /** A yes/no item; for a false one the value is another of the attribute's values. */
  static YesNoItem yesNo(
      World w,
      Phrasebook book,
      Phrasebook.Kind kind,
      Person p,
      Attribute a,
      boolean label,
      Random r) {
    String value = p.fact(a);
    if (!label) {
      List<String> others = new ArrayList<>(w.values().get(a));
      others.remove(value);
      value = others.get(r.nextInt(others.size()));
    }
    String question = book.question(p, a, kind, value, r);
    return new YesNoItem(p, a, question, passage(book, p, a, r), value, label);
  }

  /**
   * A BoolQ-style passage ("Title -- text") about the person that states two or three of their
   * OTHER facts, never the one asked about, so the answer must come from the model's memory.
   */
  static String passage(Phrasebook book, Person p, Attribute asked, Random r) {
    List<Attribute> others = new ArrayList<>(List.of(Attribute.values()));
    others.remove(asked);
    Collections.shuffle(others, r);
    int n = 2 + r.nextInt(2);
    StringBuilder s = new StringBuilder(p.name()).append(" -- ");
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(book.fact(p, others.get(i), i == 0, r));
    }
    return s.toString();
  }

  /** MMLU's header line for a prompt about {@link #SUBJECT}, followed by a blank line. */
  public static String mmluHeader() {
    return "The following are multiple choice questions (with answers) about "
        + SUBJECT.replace('_', ' ')
        + ".\n\n";
  }

  /** One MMLU question block ending in "Answer: X" (the letter of the true choice). */
  public static String mmluBlock(McItem q) {
    StringBuilder s = new StringBuilder(q.question()).append('\n');
    for (int i = 0; i < 4; i++) {
      s.append(LETTERS.charAt(i)).append(". ").append(q.choices().get(i)).append('\n');
    }
    return s.append("Answer: ").append(LETTERS.charAt(q.answer())).toString();
  }

  /** An open question answered with the value: MMLU's layout without choices (its cloze form). */
  public static String openBlock(String question, String value) {
    return question + "\nAnswer: " + value;
  }

  /** BoolQ's prompt with its answer: passage, "Question: ...?", "Answer: yes|no". */
  public static String boolqBlock(YesNoItem q) {
    return q.passage() + "\nQuestion: " + q.question() + "?\nAnswer: " + (q.label() ? "yes" : "no");
  }
}
