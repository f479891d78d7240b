package dev.shallows.engine.cpu.kernels;

import dev.shallows.store.Checkpoint;
import dev.shallows.store.DType;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A checkpoint written in {@link QuantizedLayout} seen as an ordinary one: quantized linear weights
 * come back dequantized to F32 (off-heap) and their scale tensors are hidden. Checkpoints without a
 * {@code quantization} block are returned unwrapped by {@link #wrap}.
 */
public final class QuantizedCheckpoint implements Checkpoint {

  private final Checkpoint inner;
  private final List<String> names;
  private final Set<String> nameSet;

  private QuantizedCheckpoint(Checkpoint inner) {
    this.inner = inner;
    this.names =
        inner.names().stream()
            .filter(n -> !n.endsWith(QuantizedLayout.SCALE) && !n.endsWith(QuantizedLayout.ABSMAX))
            .toList();
    this.nameSet = new LinkedHashSet<>(names);
  }

  /** {@code ckpt} itself, or a dequantizing view when its config has a code format. */
  public static Checkpoint wrap(Checkpoint ckpt) {
    if (ckpt instanceof QuantizedCheckpoint) {
      return ckpt;
    }
    WeightFormat f = WeightFormat.stored(ckpt.config());
    return f == WeightFormat.INT8 || f == WeightFormat.NF4 ? new QuantizedCheckpoint(ckpt) : ckpt;
  }

  @Override
  public Tensor tensor(String name) {
    Tensor t = inner.tensor(name);
    if (t.dtype() == DType.I8) {
      return QuantizedLayout.decode(t, inner.tensor(name + QuantizedLayout.SCALE));
    }
    if (t.dtype() == DType.U8) {
      return QuantizedLayout.decode(t, inner.tensor(name + QuantizedLayout.ABSMAX));
    }
    return t;
  }

  @Override
  public Path directory() {
    return inner.directory();
  }

  @Override
  public LlamaConfig config() {
    return inner.config();
  }

  @Override
  public List<String> names() {
    return names;
  }

  @Override
  public Set<String> nameSet() {
    return nameSet;
  }

  @Override
  public void close() {
    inner.close();
  }
}
