package dev.shallows.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory written through AtomicDirectory is either complete or absent. */
class AtomicDirectoryTest {

  @TempDir Path tmp;

  private List<Path> entries() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.sorted().toList();
    }
  }

  @Test
  void commitPublishesAllFiles() throws IOException {
    Path target = tmp.resolve("out");
    try (AtomicDirectory d = AtomicDirectory.create(target, false)) {
      Files.writeString(d.path().resolve("a.txt"), "A");
      Files.createDirectories(d.path().resolve("sub"));
      Files.writeString(d.path().resolve("sub/b.txt"), "B");
      assertFalse(Files.exists(target), "invisible before commit");
      assertEquals(target, d.commit());
    }
    assertEquals("A", Files.readString(target.resolve("a.txt")));
    assertEquals("B", Files.readString(target.resolve("sub/b.txt")));
    assertEquals(List.of(target), entries());
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
  }

  @Test
  void exceptionBeforeCommitLeavesNothing() throws IOException {
    Path target = tmp.resolve("out");
    assertThrows(
        IllegalStateException.class,
        () -> {
          try (AtomicDirectory d = AtomicDirectory.create(target, false)) {
            Files.writeString(d.path().resolve("half.bin"), "x".repeat(1000));
            throw new IllegalStateException("disk full, say");
          }
        });
    assertEquals(List.of(), entries());
  }

  @Test
  void refusesNonEmptyTargetAndReplacesWhenAsked() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(target.resolve("old.txt"), "old");
    assertThrows(IllegalStateException.class, () -> AtomicDirectory.create(target, false));
    Path file = Files.writeString(tmp.resolve("plain-file"), "f");
    assertThrows(IllegalStateException.class, () -> AtomicDirectory.create(file, false));
    try (AtomicDirectory d = AtomicDirectory.create(target, true)) {
      Files.writeString(d.path().resolve("new.txt"), "new");
      d.commit();
    }
    assertFalse(Files.exists(target.resolve("old.txt")));
    assertEquals("new", Files.readString(target.resolve("new.txt")));
    assertEquals(List.of(target, file), entries(), "the old copy is gone too");
  }

  /** A writer killed before commit (a separate JVM halted mid-write) leaves no target. */
  @Test
  void killedWriterLeavesNoTarget() throws Exception {
    Path target = tmp.resolve("killed");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Crasher.class.getName(),
                target.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(3, p.exitValue(), out);
    assertTrue(out.contains("wrote"), out);
    assertFalse(Files.exists(target), "no half-written target after a crash");
    // the leftover is a hidden temporary sibling, never the target name
    for (Path e : entries()) {
      assertTrue(e.getFileName().toString().startsWith(".killed.tmp-"), e.toString());
    }
  }

  /** Child process: writes part of a directory, then dies without any cleanup. */
  public static final class Crasher {
    public static void main(String[] args) throws IOException {
      AtomicDirectory d = AtomicDirectory.create(Path.of(args[0]), false);
      Files.write(d.path().resolve("model.safetensors"), new byte[1 << 20]);
      System.out.println("wrote " + d.path());
      System.out.flush();
      Runtime.getRuntime().halt(3);
    }
  }
}
