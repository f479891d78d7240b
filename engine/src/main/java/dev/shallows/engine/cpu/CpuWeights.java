package dev.shallows.engine.cpu;

import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The CPU decoder's view of {@link LlamaWeights}: JavaCPP pointers onto the big matrices (the
 * memory mappings themselves, no copy) and heap copies of the small vectors (norms, biases).
 */
final class CpuWeights {

  /**
   * One (rows, cols) weight seen two ways over the same mapped bytes: a JavaCPP pointer for
   * OpenBLAS and a little-endian ByteBuffer for Vector API kernels (null if over 2 GiB).
   */
  record Weight(FloatPointer pointer, ByteBuffer bytes, int rows, int cols) {}

  /** One layer: the seven linear maps, norms and optional QKV biases on the heap. */
  record Layer(
      float[] inputNorm, // (D)
      Weight wq, // (Q, D)
      Weight wk, // (K, D)
      Weight wv, // (K, D)
      Weight wo, // (D, Q)
      float[] bq, // (Q) or null
      float[] bk, // (K) or null
      float[] bv, // (K) or null
      float[] postNorm, // (D)
      Weight gate, // (F, D)
      Weight up, // (F, D)
      Weight down) {} // (D, F)

  final FloatBuffer embed; // (V, D)
  final Layer[] layers;
  final float[] finalNorm; // (D)
  final Weight lmHead; // (V, D)

  CpuWeights(LlamaWeights w) {
    this.embed = w.embed().data();
    List<LayerWeights> ls = w.layers();
    this.layers = new Layer[ls.size()];
    for (int i = 0; i < layers.length; i++) {
      LayerWeights l = ls.get(i);
      layers[i] =
          new Layer(
              vector(l.inputNorm()),
              pointer(l.wq()),
              pointer(l.wk()),
              pointer(l.wv()),
              pointer(l.wo()),
              vector(l.bq()),
              vector(l.bk()),
              vector(l.bv()),
              vector(l.postNorm()),
              pointer(l.gate()),
              pointer(l.up()),
              pointer(l.down()));
    }
    this.finalNorm = vector(w.finalNorm());
    this.lmHead = pointer(w.lmHead());
  }

  /** Wraps a matrix's direct buffer: the pointer's address is the buffer's (zero copy). */
  static Weight pointer(Matrix m) {
    FloatPointer p = new FloatPointer(m.data());
    if (p.isNull()) {
      throw new IllegalStateException(m.name() + ": not a native buffer");
    }
    long bytes = 4L * m.rows() * m.cols();
    ByteBuffer b = null;
    if (bytes <= Integer.MAX_VALUE) {
      b = p.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != bytes) {
        throw new IllegalStateException(m.name() + ": byte view has " + b.remaining() + " bytes");
      }
    }
    return new Weight(p, b, m.rows(), m.cols());
  }

  private static float[] vector(Matrix m) {
    if (m == null) {
      return null;
    }
    float[] a = new float[m.data().remaining()];
    m.data().duplicate().get(a);
    return a;
  }
}
