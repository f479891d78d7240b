package dev.shallows.engine.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing of /proc/self/status lines and a live sample that grows with touched memory. */
class ResidentMemoryTest {

  @Test
  void parsesKilobyteFieldsIntoBytes() {
    String status =
        "Name:\tjava\nVmRSS:\t  123456 kB\nRssAnon:\t   100000 kB\nRssFile:\t 23456 kB\n";
    assertEquals(123456L * 1024, ResidentMemory.field(status, "VmRSS:"));
    assertEquals(100000L * 1024, ResidentMemory.field(status, "RssAnon:"));
    assertEquals(-1, ResidentMemory.field(status, "RssShmem:"));
  }

  @Test
  void aTouchedBufferShowsUpAsAnonymousMemory() {
    ResidentMemory before = ResidentMemory.now();
    assertTrue(before.totalBytes() > 0, "no /proc/self/status on this machine");
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(256 << 20);
    for (int i = 0; i < b.capacity(); i += 4096) {
      b.put(i, (byte) 1); // touch every page
    }
    ResidentMemory after = ResidentMemory.now();
    long grown = after.anonBytes() - before.anonBytes();
    assertTrue(grown > 200L << 20, "anonymous memory grew by " + grown + " bytes, not ~256 MiB");
    assertEquals(1, b.get(4096));
  }
}
