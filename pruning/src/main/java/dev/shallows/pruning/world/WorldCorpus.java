package dev.shallows.pruning.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The training documents of the synthetic world: every person described in many prose biographies
 * (paraphrased, facts in shuffled order) and a few fact cards, plus quizzes in the MMLU and BoolQ
 * formats that use training-only question phrasings. Each fact thus appears in many documents.
 *
 * @param biosPerPerson prose biographies per person (each states all facts)
 * @param cardsPerPerson "fact card" documents per person (label: value lines)
 * @param mcPerFact multiple-choice training questions per (person, attribute)
 * @param yesNoPerFact yes/no training questions per (person, attribute), alternating true/false
 * @param qaPerFact open questions per (person, attribute) answered with the value itself, in the
 *     MMLU layout without choices ("question\nAnswer: value"), with training phrasings
 * @param inContextPerFact multiple-choice and yes/no questions per (person, attribute) whose answer
 *     is stated just before them (the fact sentence, then the question; for yes/no, in the
 *     passage): they teach the formats' mechanics (find the option that holds the value, compare a
 *     value) apart from recall
 */
public record WorldCorpus(
    int biosPerPerson,
    int cardsPerPerson,
    int mcPerFact,
    int yesNoPerFact,
    int qaPerFact,
    int inContextPerFact) {

  /** The documents (unshuffled: grouped by kind) for {@code world}. */
  public List<String> documents(World world, Phrasebook book) {
    Random r = Seeds.random(world.seed(), "corpus");
    List<String> docs = new ArrayList<>();
    for (Person p : world.people()) {
      for (int i = 0; i < biosPerPerson; i++) {
        docs.add(bio(book, p, r));
      }
      for (int i = 0; i < cardsPerPerson; i++) {
        docs.add(card(p, r));
      }
    }
    docs.addAll(
        quizDocuments(
            world,
            mcPerFact,
            r,
            (p, a) ->
                Quiz.mmluBlock(Quiz.mc(world, book, Phrasebook.Kind.QUIZ, p, a, r.nextInt(4), r))));
    docs.addAll(
        quizDocuments(
            world,
            qaPerFact,
            r,
            (p, a) ->
                Quiz.openBlock(
                    book.question(p, a, Phrasebook.Kind.QUIZ, p.fact(a), r), p.fact(a))));
    docs.addAll(yesNoDocuments(world, book, yesNoPerFact, 0, r, q -> q));
    docs.addAll(
        quizDocuments(
            world,
            inContextPerFact,
            r,
            (p, a) -> {
              String stated = book.fact(p, a, true, r);
              return stated
                  + "\n"
                  + Quiz.mmluBlock(
                      Quiz.mc(world, book, Phrasebook.Kind.QUIZ, p, a, r.nextInt(4), r));
            }));
    docs.addAll(
        yesNoDocuments(
            world,
            book,
            inContextPerFact,
            1,
            r,
            q -> {
              String stated = book.fact(q.person(), q.attribute(), false, r);
              return new Quiz.YesNoItem(
                  q.person(),
                  q.attribute(),
                  q.question(),
                  q.passage() + " " + stated,
                  q.value(),
                  q.label());
            }));
    return docs;
  }

  /**
   * BoolQ-layout documents: every (person, attribute) {@code perFact} times, labels alternating
   * (true where rep + name length + attribute ordinal has the parity {@code trueParity}); {@code
   * edit} may change each item after it is drawn (drawing from {@code r} too).
   */
  private static List<String> yesNoDocuments(
      World world,
      Phrasebook book,
      int perFact,
      int trueParity,
      Random r,
      UnaryOperator<Quiz.YesNoItem> edit) {
    List<String> docs = new ArrayList<>();
    for (int rep = 0; rep < perFact; rep++) {
      for (Person p : world.people()) {
        for (Attribute a : Attribute.values()) {
          boolean label = (rep + p.name().length() + a.ordinal()) % 2 == trueParity;
          Quiz.YesNoItem q = Quiz.yesNo(world, book, Phrasebook.Kind.YESNO, p, a, label, r);
          docs.add(Quiz.boolqBlock(edit.apply(q)));
        }
      }
    }
    return docs;
  }

  /**
   * Quiz documents in the MMLU layout: every (person, attribute) {@code perFact} times, in shuffled
   * order, 1-4 blocks per document after the header; {@code block} writes one question (drawing
   * from {@code r}, so the call order fixes the bytes).
   */
  private static List<String> quizDocuments(
      World world, int perFact, Random r, BiFunction<Person, Attribute, String> block) {
    List<Person> people = new ArrayList<>();
    List<Attribute> attrs = new ArrayList<>();
    for (int rep = 0; rep < perFact; rep++) {
      for (Person p : world.people()) {
        for (Attribute a : Attribute.values()) {
          people.add(p);
          attrs.add(a);
        }
      }
    }
    List<Integer> order = shuffledIndices(people.size(), r);
    List<String> docs = new ArrayList<>();
    int i = 0;
    while (i < order.size()) {
      int n = Math.min(1 + r.nextInt(4), order.size() - i);
      StringBuilder doc = new StringBuilder(Quiz.mmluHeader());
      for (int j = 0; j < n; j++, i++) {
        int k = order.get(i);
        doc.append(j == 0 ? "" : "\n\n").append(block.apply(people.get(k), attrs.get(k)));
      }
      docs.add(doc.toString());
    }
    return docs;
  }

  /** A prose biography stating every fact once, first sentence by name, then mostly pronouns. */
  static String bio(Phrasebook book, Person p, Random r) {
    List<Attribute> order = new ArrayList<>(List.of(Attribute.values()));
    Collections.shuffle(order, r);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < order.size(); i++) {
      boolean byName = i == 0 || r.nextInt(3) == 0;
      s.append(i == 0 ? "" : " ").append(book.fact(p, order.get(i), byName, r));
    }
    return s.toString();
  }

  /** A fact card: the name, then "label: value" lines in shuffled order. */
  static String card(Person p, Random r) {
    List<String> lines = new ArrayList<>();
    lines.add("Born: " + p.fact(Attribute.YEAR) + ", " + p.fact(Attribute.CITY));
    lines.add("Employer: " + p.fact(Attribute.EMPLOYER));
    lines.add("Field: " + p.fact(Attribute.FIELD));
    lines.add("Favourite food: " + p.fact(Attribute.FOOD));
    lines.add("Hobby: " + p.fact(Attribute.HOBBY));
    Collections.shuffle(lines, r);
    return p.name() + "\n" + String.join("\n", lines);
  }

  private static List<Integer> shuffledIndices(int n, Random r) {
    List<Integer> idx = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, r);
    return idx;
  }
}
