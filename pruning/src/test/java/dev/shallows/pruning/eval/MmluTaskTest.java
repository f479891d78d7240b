package dev.shallows.pruning.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmluTaskTest {

  @TempDir Path tmp;

  @Test
  void buildsTheOriginalPromptFormat() throws Exception {
    Files.createDirectories(tmp.resolve("dev"));
    Files.createDirectories(tmp.resolve("test"));
    Files.writeString(
        tmp.resolve("dev/high_school_fun_dev.csv"),
        "question,choice0,choice1,choice2,choice3,answer\n"
            + "\"2, plus 2?\",4,5,6,7,0\n"
            + "Sky colour?,red,\"say \"\"blue\"\"\",green,black,1\n");
    Files.writeString(
        tmp.resolve("test/high_school_fun_test.csv"), "Cats say?,woof,moo,meow,quack,C\n");
    List<ChoiceItem> items = MmluTask.load(tmp, 1, 0);
    assertEquals(1, items.size());
    ChoiceItem it = items.get(0);
    assertEquals(2, it.answer());
    assertEquals(List.of(" A", " B", " C", " D"), it.continuations());
    assertEquals(
        "The following are multiple choice questions (with answers) about high school fun.\n\n"
            + "2, plus 2?\nA. 4\nB. 5\nC. 6\nD. 7\nAnswer: A\n\n"
            + "Cats say?\nA. woof\nB. moo\nC. meow\nD. quack\nAnswer:",
        it.context(1));
    assertEquals(
        "The following are multiple choice questions (with answers) about high school fun.\n\n"
            + "Cats say?\nA. woof\nB. moo\nC. meow\nD. quack\nAnswer:",
        it.context(0));
    assertEquals(
        "Sky colour?\nA. red\nB. say \"blue\"\nC. green\nD. black\nAnswer: B\n\n",
        MmluTask.load(tmp, 2, 0).get(0).shots().get(1));
    assertEquals("high_school_fun/0", it.id());

    ChoiceItem cloze = MmluTask.loadCloze(tmp, 2, 0).get(0);
    assertEquals(List.of(" woof", " moo", " meow", " quack"), cloze.continuations());
    assertEquals(2, cloze.answer());
    assertEquals(
        "The following are multiple choice questions (with answers) about high school fun.\n\n"
            + "2, plus 2?\nAnswer: 4\n\n"
            + "Sky colour?\nAnswer: say \"blue\"\n\n"
            + "Cats say?\nAnswer:",
        cloze.context(2));
  }

  @Test
  void reportsMissingDevAndBadRows() throws Exception {
    Files.createDirectories(tmp.resolve("test"));
    Files.writeString(tmp.resolve("test/x_test.csv"), "q,a,b,c,d,1\n");
    assertThrows(IllegalArgumentException.class, () -> MmluTask.load(tmp, 5, 0));
    assertEquals(1, MmluTask.load(tmp, 0, 0).size());
    Files.writeString(tmp.resolve("test/x_test.csv"), "q,a,b,c,1\n");
    assertThrows(IllegalArgumentException.class, () -> MmluTask.load(tmp, 0, 0));
    Files.writeString(tmp.resolve("test/x_test.csv"), "q,a,b,c,d,E\n");
    assertThrows(IllegalArgumentException.class, () -> MmluTask.load(tmp, 0, 0));
  }

  @Test
  void limitTakesItemsRoundRobinOverSubjects() throws Exception {
    Files.createDirectories(tmp.resolve("test"));
    Files.writeString(tmp.resolve("test/a_test.csv"), "q1,a,b,c,d,0\nq2,a,b,c,d,0\nq3,a,b,c,d,0\n");
    Files.writeString(tmp.resolve("test/b_test.csv"), "r1,a,b,c,d,1\n");
    List<ChoiceItem> items = MmluTask.load(tmp, 0, 3);
    assertEquals(List.of("a/0", "b/0", "a/1"), items.stream().map(ChoiceItem::id).toList());
  }
}
