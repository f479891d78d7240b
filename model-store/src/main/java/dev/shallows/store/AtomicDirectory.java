package dev.shallows.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Writes a directory so that readers see either nothing or the complete result: files go into a
 * hidden temporary sibling ({@code .NAME.tmp-*}), which {@link #commit()} fsyncs and renames onto
 * the target. Closing without committing deletes the temporary directory. Typical use:
 *
 * <pre>{@code
 * try (AtomicDirectory out = AtomicDirectory.create(target, false)) {
 *   SafetensorsWriter.write(out.path().resolve("model.safetensors"), tensors);
 *   config.write(out.path());
 *   out.commit();
 * }
 * }</pre>
 */
public final class AtomicDirectory implements AutoCloseable {

  private final Path target;
  private final Path temp;
  private final boolean overwrite;
  private boolean committed;

  private AtomicDirectory(Path target, Path temp, boolean overwrite) {
    this.target = target;
    this.temp = temp;
    this.overwrite = overwrite;
  }

  /**
   * Starts writing {@code target}. Fails with IllegalStateException if the target exists and is a
   * non-empty directory (or a file) unless {@code overwrite} is set.
   */
  public static AtomicDirectory create(Path target, boolean overwrite) {
    Path abs = target.toAbsolutePath().normalize();
    if (!overwrite && exists(abs) && !isEmptyDirectory(abs)) {
      throw new IllegalStateException(
          abs + " already exists and is not empty (choose another directory or allow overwrite)");
    }
    Path parent = abs.getParent();
    try {
      Files.createDirectories(parent);
      Path temp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
      // temp directories are created 0700; a model directory is normally world-readable
      if (Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      return new AtomicDirectory(abs, temp, overwrite);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory next to " + abs, e);
    }
  }

  /** Where to write the files now. */
  public Path path() {
    return temp;
  }

  /** The final directory. */
  public Path target() {
    return target;
  }

  /**
   * Fsyncs every file and directory written, then renames the temporary directory onto the target
   * and fsyncs the parent. An existing target (when overwriting) is first moved aside and deleted
   * afterwards, so there is a short moment without a target, never a half-written one.
   */
  public Path commit() {
    if (committed) {
      throw new IllegalStateException("already committed: " + target);
    }
    try {
      syncTree(temp);
      Path old = null;
      if (exists(target)) {
        if (isEmptyDirectory(target)) {
          Files.delete(target);
        } else if (overwrite) {
          old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old-");
          Files.delete(old);
          move(target, old);
        } else {
          throw new IllegalStateException(target + " appeared while writing; not replacing it");
        }
      }
      move(temp, target);
      committed = true;
      syncDirectory(target.getParent());
      if (old != null) {
        deleteTree(old);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the temporary directory unless committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        deleteTree(temp);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove " + temp, e);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system cannot rename " + from + " atomically", e);
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean isEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forces every regular file, then every directory (children first) to disk. */
  static void syncTree(Path root) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.force(true);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            syncDirectory(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Directory fsync, so that a rename or a new entry survives a crash (works on Linux). */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes a directory tree (no-op if absent). */
  public static void deleteTree(Path root) throws IOException {
    if (!exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
