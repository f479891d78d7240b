package dev.shallows.pruning.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

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
 */
public record WorldCorpus(
    int biosPerPerson, int cardsPerPerson, int mcPerFact, int yesNoPerFact, int qaPerFact) {

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
    List<Person> mcQueue = new ArrayList<>();
    List<Attribute> mcAttrs = new ArrayList<>();
    for (int rep = 0; rep < mcPerFact; rep++) {
      for (Person p : world.people()) {
        for (Attribute a : Attribute.values()) {
          mcQueue.add(p);
          mcAttrs.add(a);
        }
      }
    }
    List<Integer> order = shuffledIndices(mcQueue.size(), r);
    int i = 0;
    while (i < order.size()) {
      int n = Math.min(1 + r.nextInt(4), order.size() - i);
      StringBuilder doc = new StringBuilder(Quiz.mmluHeader());
      for (int j = 0; j < n; j++, i++) {
        int k = order.get(i);
        Quiz.McItem q =
            Quiz.mc(
                world, book, Phrasebook.Kind.QUIZ, mcQueue.get(k), mcAttrs.get(k), r.nextInt(4), r);
        doc.append(j == 0 ? "" : "\n\n").append(Quiz.mmluBlock(q));
      }
      docs.add(doc.toString());
    }
    List<Person> qaQueue = new ArrayList<>();
    List<Attribute> qaAttrs = new ArrayList<>();
    for (int rep = 0; rep < qaPerFact; rep++) {
      for (Person p : world.people()) {
        for (Attribute a : Attribute.values()) {
          qaQueue.add(p);
          qaAttrs.add(a);
        }
      }
    }
    List<Integer> qaOrder = shuffledIndices(qaQueue.size(), r);
    i = 0;
    while (i < qaOrder.size()) {
      int n = Math.min(1 + r.nextInt(4), qaOrder.size() - i);
      StringBuilder doc = new StringBuilder(Quiz.mmluHeader());
      for (int j = 0; j < n; j++, i++) {
        int k = qaOrder.get(i);
        Person p = qaQueue.get(k);
        Attribute a = qaAttrs.get(k);
        String q = book.question(p, a, Phrasebook.Kind.QUIZ, p.fact(a), r);
        doc.append(j == 0 ? "" : "\n\n").append(Quiz.openBlock(q, p.fact(a)));
      }
      docs.add(doc.toString());
    }
    for (int rep = 0; rep < yesNoPerFact; rep++) {
      for (Person p : world.people()) {
        for (Attribute a : Attribute.values()) {
          boolean label = (rep + p.name().length() + a.ordinal()) % 2 == 0;
          docs.add(Quiz.boolqBlock(Quiz.yesNo(world, book, Phrasebook.Kind.YESNO, p, a, label, r)));
        }
      }
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
