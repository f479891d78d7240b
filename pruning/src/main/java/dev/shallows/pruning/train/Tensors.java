package dev.shallows.pruning.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.shallows.store.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small helpers between DJL arrays and the model store's tensors, for checkpoints. */
public final class Tensors {

  private Tensors() {}

  /** Overwrites {@code target}'s values in place (keeps its identity and autograd flag). */
  public static void assign(NDArray target, float[] values) {
    if (values.length != target.size()) {
      throw new IllegalArgumentException(
          "expected "
              + target.size()
              + " values for "
              + target.getShape()
              + ", got "
              + values.length);
    }
    try (NDManager tmp = target.getManager().newSubManager()) {
      NDArray src = tmp.create(values, target.getShape());
      NDArray data = target.stopGradient(); // same storage, outside autograd
      data.attach(tmp);
      data.subi(data).addi(src);
    }
  }

  /** Heap F32 copies of DJL arrays, named by the map keys, for {@code SafetensorsWriter}. */
  public static List<Tensor> toTensors(Map<String, NDArray> arrays) {
    List<Tensor> out = new ArrayList<>();
    for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
      out.add(
          Tensor.ofFloats(
              e.getKey(), e.getValue().getShape().getShape(), e.getValue().toFloatArray()));
    }
    return out;
  }
}
