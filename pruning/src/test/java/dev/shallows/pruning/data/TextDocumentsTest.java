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
  void builtInCalibrationHasThirtyParagraphs() {
    CalibrationSet set = CalibrationSet.builtIn(t -> new int[t.length()], 64, 0);
    assertEquals(30, set.sequences().size());
    assertEquals(64, set.sequences().get(0).length);
  }
}
