package dev.shallows.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A Hugging Face model directory opened for reading: {@code config.json} plus safetensors weights
 * ({@code model.safetensors}, or shards listed in {@code model.safetensors.index.json}), memory
 * mapped. Closing drops the mappings; tensors obtained before must not be used afterwards.
 */
public interface Checkpoint extends AutoCloseable {

  /** The model directory. */
  Path directory();

  LlamaConfig config();

  /** All tensor names, in file order. */
  List<String> names();

  Set<String> nameSet();

  /** The tensor with this exact HF name; IllegalArgumentException naming the file if absent. */
  Tensor tensor(String name);

  /**
   * Fills {@code dst} with tensor {@code name}'s data bytes from byte {@code offset} on. The
   * safetensors implementation reads the file (positional reads) instead of the mapping, so the
   * bytes read do not stay in this process's resident memory: a stored narrow-weight variant
   * repacked row by row is then resident once (repacked), not twice (repacked + mapped pages).
   */
  default void read(String name, long offset, ByteBuffer dst) {
    ByteBuffer src = tensor(name).data();
    int from = Math.addExact(src.position(), Math.toIntExact(offset));
    dst.put(src.duplicate().limit(from + dst.remaining()).position(from));
  }

  default boolean has(String name) {
    return nameSet().contains(name);
  }

  @Override
  void close();

  /** Opens a model directory (see {@link SafetensorsCheckpoint}). */
  static Checkpoint open(Path dir) {
    return SafetensorsCheckpoint.open(dir);
  }
}
