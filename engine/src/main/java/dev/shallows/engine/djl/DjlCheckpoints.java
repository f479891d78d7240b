package dev.shallows.engine.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Saves a {@link DjlLlama}'s current parameters (e.g. after training) as an HF checkpoint. */
public final class DjlCheckpoints {

  private DjlCheckpoints() {}

  /** The parameters as F32 heap tensors under their HF names, in checkpoint order. */
  public static List<Tensor> tensors(DjlLlama model) {
    List<Tensor> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      NDArray a = e.getValue();
      float[] values = a.toType(DataType.FLOAT32, false).toFloatArray();
      out.add(Tensor.ofFloats(e.getKey(), a.getShape().getShape(), values));
    }
    return out;
  }

  /**
   * Writes {@code config.json} (the model's config, {@code torch_dtype} float32) and {@code
   * model.safetensors} (F32) into {@code dir}, which is created if needed. Other files of a model
   * directory (tokenizer) are the caller's business.
   */
  public static void write(DjlLlama model, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    LlamaConfig c = model.config();
    var raw = c.raw().deepCopy();
    raw.put("torch_dtype", "float32");
    LlamaConfig.fromJson(raw).write(dir);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors(model));
  }
}
