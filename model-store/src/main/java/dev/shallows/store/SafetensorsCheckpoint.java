package dev.shallows.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads safetensors files by parsing the 8-byte header length and JSON header, then memory-mapping
 * each tensor's byte range (one mapping per tensor, so no 2 GiB limit per file). DJL's own
 * safetensors decoder reads whole files into the heap and aborts the JVM on BF16, so it is not used
 * for reading checkpoints.
 */
final class SafetensorsCheckpoint implements Checkpoint {

  /** Where a tensor lives: file, dtype, shape, absolute byte range. */
  private record Entry(Path file, DType dtype, long[] shape, long start, long end) {}

  private final Path dir;
  private final LlamaConfig config;
  private final Map<String, Entry> entries;
  private final Map<Path, FileChannel> channels = new LinkedHashMap<>();

  private SafetensorsCheckpoint(Path dir, LlamaConfig config, Map<String, Entry> entries) {
    this.dir = dir;
    this.config = config;
    this.entries = entries;
  }

  static Checkpoint open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("model directory not found: " + dir);
    }
    LlamaConfig config = LlamaConfig.read(dir);
    Map<String, Entry> entries = new LinkedHashMap<>();
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.exists(single)) {
      readHeader(single, entries);
    } else if (Files.exists(index)) {
      for (Path shard : shards(index)) {
        readHeader(shard, entries);
      }
    } else {
      throw new IllegalArgumentException(
          dir + " has neither model.safetensors nor model.safetensors.index.json");
    }
    return new SafetensorsCheckpoint(dir, config, entries);
  }

  /** The distinct shard files named by an index's weight_map, in first-seen order. */
  private static List<Path> shards(Path index) {
    try {
      JsonNode map = LlamaConfig.JSON.readTree(index.toFile()).get("weight_map");
      if (map == null || !map.isObject()) {
        throw new IllegalArgumentException(index + " has no weight_map");
      }
      Set<Path> files = new LinkedHashSet<>();
      for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
        files.add(index.getParent().resolve(it.next().asText()));
      }
      return new ArrayList<>(files);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + index, e);
    }
  }

  /** Parses one file's header into entries with absolute offsets. */
  static void readHeader(Path file, Map<String, Entry> into) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, len, 0);
      long headerLen = len.getLong(0);
      if (headerLen <= 0 || headerLen > 100_000_000 || 8 + headerLen > ch.size()) {
        throw new IllegalArgumentException(file + " is not a safetensors file (bad header length)");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8);
      JsonNode json = LlamaConfig.JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
      long base = 8 + headerLen;
      for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getKey().equals("__metadata__")) {
          continue;
        }
        JsonNode t = f.getValue();
        JsonNode shapeNode = t.get("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeNode.get(i).asLong();
        }
        long start = base + t.get("data_offsets").get(0).asLong();
        long end = base + t.get("data_offsets").get(1).asLong();
        if (end > ch.size() || end < start) {
          throw new IllegalArgumentException(
              file + ": tensor " + f.getKey() + " lies past the end");
        }
        DType dtype = DType.fromSafetensors(t.get("dtype").asText());
        if (into.put(f.getKey(), new Entry(file, dtype, shape, start, end)) != null) {
          throw new IllegalArgumentException("tensor " + f.getKey() + " appears twice");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  @Override
  public List<String> names() {
    return List.copyOf(entries.keySet());
  }

  @Override
  public Set<String> nameSet() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  @Override
  public synchronized Tensor tensor(String name) {
    Entry e = entry(name);
    try {
      FileChannel ch = channel(e.file());
      ByteBuffer mapped =
          e.end() == e.start()
              ? ByteBuffer.allocateDirect(0)
              : ch.map(FileChannel.MapMode.READ_ONLY, e.start(), e.end() - e.start());
      return new Tensor(name, e.dtype(), e.shape(), mapped);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot map " + name + " from " + e.file(), ex);
    }
  }

  @Override
  public void read(String name, long offset, ByteBuffer dst) {
    Entry e = entry(name);
    if (offset < 0 || offset + dst.remaining() > e.end() - e.start()) {
      throw new IllegalArgumentException(
          name
              + ": bytes "
              + offset
              + "+"
              + dst.remaining()
              + " past its "
              + (e.end() - e.start()));
    }
    try {
      FileChannel ch;
      synchronized (this) {
        ch = channel(e.file());
      }
      long at = e.start() + offset;
      while (dst.hasRemaining()) {
        int n = ch.read(dst, at); // positional: safe from several threads at once
        if (n < 0) {
          throw new IOException("unexpected end of file at byte " + at);
        }
        at += n;
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read " + name + " from " + e.file(), ex);
    }
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("tensor '" + name + "' not found in " + dir);
    }
    return e;
  }

  /** The open channel of a weights file (opened on first use; guarded by this). */
  private FileChannel channel(Path file) throws IOException {
    FileChannel ch = channels.get(file);
    if (ch == null) {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      channels.put(file, ch);
    }
    return ch;
  }

  @Override
  public synchronized void close() {
    for (FileChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a read-only channel cannot lose data
      }
    }
    channels.clear();
  }
}
