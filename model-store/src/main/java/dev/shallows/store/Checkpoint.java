package dev.shallows.store;

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
