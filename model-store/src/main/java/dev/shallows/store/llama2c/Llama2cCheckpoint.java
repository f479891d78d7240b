package dev.shallows.store.llama2c;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A llama2.c checkpoint in the legacy export format (7 int32 header, then float32 arrays; see
 * shared/data/README.md), memory-mapped. Each array is a separate read-only mapping, so files above
 * 2 GiB work as long as each single array is below it.
 *
 * <p>Letters: D = dim, F = hidden_dim, L = n_layers, H = n_heads, KVH = n_kv_heads, V = vocab, hs =
 * D / H.
 */
public final class Llama2cCheckpoint implements AutoCloseable {

  /** The header; {@code tied} is the sign of the stored vocab_size. */
  public record Header(
      int dim,
      int hiddenDim,
      int nLayers,
      int nHeads,
      int nKvHeads,
      int vocabSize,
      boolean tied,
      int seqLen) {

    public int headSize() {
      return dim / nHeads;
    }

    public int kvDim() {
      return nKvHeads * headSize();
    }
  }

  static final int HEADER_BYTES = 7 * 4;

  /** llama2.c's version-1+ exports start with this magic ("ak42" little-endian). */
  private static final int MAGIC_V1 = 0x616b3432;

  private final Path file;
  private final Header header;
  private final FileChannel channel;
  private long cursor = HEADER_BYTES;

  private Llama2cCheckpoint(Path file, Header header, FileChannel channel) {
    this.file = file;
    this.header = header;
    this.channel = channel;
  }

  /** Opens and validates a checkpoint (header sanity and exact file size). */
  public static Llama2cCheckpoint open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("llama2.c checkpoint not found: " + file);
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      if (ch.size() < HEADER_BYTES) {
        throw new IllegalArgumentException(file + " is too short to be a llama2.c checkpoint");
      }
      ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b, b.position()) < 0) {
          throw new IOException("unexpected end of file");
        }
      }
      int[] h = new int[7];
      for (int i = 0; i < 7; i++) {
        h[i] = b.getInt(i * 4);
      }
      if (h[0] == MAGIC_V1) {
        throw new IllegalArgumentException(
            file
                + " is a llama2.c version-1+ export (magic 'ak42'); only the legacy format is"
                + " supported (export with --version 0)");
      }
      Header header = new Header(h[0], h[1], h[2], h[3], h[4], Math.abs(h[5]), h[5] > 0, h[6]);
      validate(file, header, ch.size());
      Llama2cCheckpoint c = new Llama2cCheckpoint(file, header, ch);
      ch = null;
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // read-only
        }
      }
    }
  }

  private static void validate(Path file, Header h, long size) {
    if (h.dim() <= 0
        || h.hiddenDim() <= 0
        || h.nLayers() <= 0
        || h.nHeads() <= 0
        || h.nKvHeads() <= 0
        || h.vocabSize() <= 0
        || h.seqLen() <= 0
        || h.dim() % h.nHeads() != 0
        || h.headSize() % 2 != 0
        || h.nHeads() % h.nKvHeads() != 0) {
      throw new IllegalArgumentException(file + ": not a llama2.c checkpoint (header " + h + ")");
    }
    long expected = HEADER_BYTES + 4 * expectedFloats(h);
    if (size != expected) {
      throw new IllegalArgumentException(
          file + ": " + size + " bytes, but header " + h + " implies " + expected + " bytes");
    }
  }

  /** Number of float32 values after the header. */
  static long expectedFloats(Header h) {
    long d = h.dim();
    long f = h.hiddenDim();
    long l = h.nLayers();
    long kv = h.kvDim();
    long n = (long) h.vocabSize() * d; // token_embedding
    n += l * d; // rms_att
    n += l * d * d; // wq
    n += 2 * l * kv * d; // wk, wv
    n += l * d * d; // wo
    n += l * d; // rms_ffn
    n += 3 * l * f * d; // w1, w2, w3
    n += d; // rms_final
    n += (long) h.seqLen() * h.headSize(); // two legacy RoPE tables of seq_len * hs/2
    if (!h.tied()) {
      n += (long) h.vocabSize() * d; // wcls
    }
    return n;
  }

  public Header header() {
    return header;
  }

  public Path file() {
    return file;
  }

  /**
   * Maps the next {@code floats} values (in file order) as a little-endian read-only buffer. Arrays
   * must be taken in file order: this is a cursor over the file.
   */
  public ByteBuffer next(long floats) {
    long bytes = floats * 4;
    try {
      ByteBuffer b =
          channel.map(FileChannel.MapMode.READ_ONLY, cursor, bytes).order(ByteOrder.LITTLE_ENDIAN);
      cursor += bytes;
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot map " + file + " at " + cursor, e);
    }
  }

  /** Skips {@code floats} values. */
  public void skip(long floats) {
    cursor += floats * 4;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
