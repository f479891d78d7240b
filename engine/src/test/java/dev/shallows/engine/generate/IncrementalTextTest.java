package dev.shallows.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Incremental text never splits a UTF-8 character. The decoder here is a byte-fallback table (ids
 * map to byte strings, decoded together as UTF-8 with replacement), the way SentencePiece byte
 * tokens behave.
 */
class IncrementalTextTest {

  private static final byte[][] VOCAB = {
    "<s>".getBytes(StandardCharsets.UTF_8), // 0: special, skipped
    "caf".getBytes(StandardCharsets.UTF_8), // 1
    {(byte) 0xC3}, // 2: first byte of é
    {(byte) 0xA9}, // 3: second byte of é
    " ok".getBytes(StandardCharsets.UTF_8), // 4
    {(byte) 0xF0, (byte) 0x9F}, // 5: first half of 🌍 (F0 9F 8C 8D)
    {(byte) 0x8C, (byte) 0x8D}, // 6: second half
  };

  private static String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id != 0) {
        out.writeBytes(VOCAB[id]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void multiByteCharactersComeOutWhole() {
    IncrementalText t = new IncrementalText(IncrementalTextTest::decode, new int[] {0});
    assertEquals("caf", t.push(1));
    assertEquals("", t.push(2));
    assertEquals("é", t.push(3));
    assertEquals(" ok", t.push(4));
    assertEquals("", t.push(5));
    assertEquals("🌍", t.push(6));
  }

  @Test
  void flushReleasesAnIncompleteTail() {
    IncrementalText t = new IncrementalText(IncrementalTextTest::decode, new int[] {0, 1});
    assertEquals("", t.push(2));
    assertEquals("\uFFFD", t.flush());
    assertEquals("", t.flush());
  }

  @Test
  void promptTextIsNotRepeated() {
    IncrementalText t = new IncrementalText(IncrementalTextTest::decode, new int[] {0, 1, 2, 3});
    assertEquals(" ok", t.push(4));
  }
}
