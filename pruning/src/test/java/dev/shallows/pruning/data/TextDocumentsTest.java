package dev.shallows.pruning.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDocumentsTest {

  @TempDir Path tmp;

  @Test
  void readsJsonlAndParagraphs() throws Exception {
    Path jsonl = tmp.resolve("c4.jsonl");
    Files.writeString(jsonl, "{\"text\":\"one\\ntwo\",\"url\":\"u\"}\n\n{\"text\":\"three\"}\n");
    assertEquals(List.of("one\ntwo", "three"), TextDocuments.read(jsonl, 0));
    assertEquals(List.of("one\ntwo"), TextDocuments.read(jsonl, 1));
    Path txt = tmp.resolve("a.txt");
    Files.writeString(txt, "First line\n  second line\n\n\nNext para\n");
    assertEquals(List.of("First line\nsecond line", "Next para"), TextDocuments.read(txt, 0));
    assertEquals(4, TextDocuments.read(tmp, 0).size());
  }

  @Test
  void reportsBadFiles() throws Exception {
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"content\":\"x\"}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TextDocuments.read(bad, 0));
    assertEquals(bad + ":1: no \"text\" string field", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TextDocuments.read(tmp.resolve("nope"), 0));
  }

  @Test
  void readsPromptCompletionTrainingLines() throws Exception {
    Path jsonl = tmp.resolve("sft.jsonl");
    Files.writeString(
        jsonl, "{\"prompt\":\"Q: x?\\nAnswer:\",\"completion\":\" yes\"}\n{\"text\":\"plain\"}\n");
    assertEquals(
        List.of(new TrainingText("Q: x?\nAnswer:", " yes"), TrainingText.plain("plain")),
        TextDocuments.readTraining(jsonl, 0));
    Path txt = tmp.resolve("b.txt");
    Files.writeString(txt, "para one\n\npara two\n");
    assertEquals(
        List.of(TrainingText.plain("para one"), TrainingText.plain("para two")),
        TextDocuments.readTraining(txt, 0));
    Path noCompletion = tmp.resolve("c.jsonl");
    Files.writeString(noCompletion, "{\"text\":\"a\"}\n{\"prompt\":\"p\"}\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TextDocuments.readTraining(noCompletion, 0));
    assertEquals(noCompletion + ":2: no \"completion\" string field", e.getMessage());
    Path empty = tmp.resolve("d.jsonl");
    Files.writeString(empty, "{\"prompt\":\"p\",\"completion\":\"\"}\n");
    e = assertThrows(IllegalArgumentException.class, () -> TextDocuments.readTraining(empty, 0));
    assertEquals(empty + ":1: empty \"completion\"", e.getMessage());
  }

  @Test
  void builtInCalibrationHasThirtyParagraphs() {
    CalibrationSet set = CalibrationSet.builtIn(t -> new int[t.length()], 64, 0);
    assertEquals(30, set.sequences().size());
    assertEquals(64, set.sequences().get(0).length);
  }
}
