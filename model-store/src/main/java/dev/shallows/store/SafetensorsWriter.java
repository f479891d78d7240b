package dev.shallows.store;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes tensors as one safetensors file: 8-byte LE header length, JSON header (space-padded to 8
 * bytes), then the raw data in the given order. Data is streamed from each tensor's buffer (a
 * mapping or heap buffer), so writing a pruned copy of a large model never holds it in the heap.
 */
public final class SafetensorsWriter {

  private SafetensorsWriter() {}

  /** Writes {@code tensors} to {@code file} (created or truncated) and forces it to disk. */
  public static void write(Path file, List<Tensor> tensors) {
    ObjectNode header = LlamaConfig.JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Tensor t : tensors) {
      ObjectNode e = header.putObject(t.name());
      e.put("dtype", t.dtype().safetensorsName());
      ArrayNode shape = e.putArray("shape");
      for (long s : t.shape()) {
        shape.add(s);
      }
      long bytes = t.data().remaining();
      e.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      writeFully(ch, head);
      for (Tensor t : tensors) {
        writeFully(ch, t.data().duplicate());
      }
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
