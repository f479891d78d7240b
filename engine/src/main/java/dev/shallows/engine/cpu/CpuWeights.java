package dev.shallows.engine.cpu;

import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.engine.cpu.kernels.PackedMatrix;
import dev.shallows.engine.cpu.kernels.WeightFormat;
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
   * One (rows, cols) weight: either seen two ways over the same F32 bytes (a JavaCPP pointer for
   * OpenBLAS and a little-endian ByteBuffer for Vector API kernels, null if over 2 GiB), or packed
   * into a narrow format (pointer and bytes null).
   */
  record Weight(FloatPointer pointer, ByteBuffer bytes, int rows, int cols, PackedMatrix packed) {}

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

  final WeightFormat format;

  CpuWeights(LlamaWeights w) {
    this(w, WeightFormat.F32);
  }

  /** Linear weights repacked into {@code format} (F32: the mapping as is). */
  CpuWeights(LlamaWeights w, WeightFormat format) {
    this.format = format;
    this.embed = w.embed().data();
    List<LayerWeights> ls = w.layers();
    this.layers = new Layer[ls.size()];
    for (int i = 0; i < layers.length; i++) {
      LayerWeights l = ls.get(i);
      layers[i] =
          new Layer(
              vector(l.inputNorm()),
              weight(l.wq(), format),
              weight(l.wk(), format),
              weight(l.wv(), format),
              weight(l.wo(), format),
              vector(l.bq()),
              vector(l.bk()),
              vector(l.bv()),
              vector(l.postNorm()),
              weight(l.gate(), format),
              weight(l.up(), format),
              weight(l.down(), format));
    }
    this.finalNorm = vector(w.finalNorm());
    this.lmHead = weight(w.lmHead(), format);
  }

  /** Bytes of every linear weight as kept (packed, or 4 per F32 weight). */
  long linearBytes() {
    long total = bytes(lmHead);
    for (Layer l : layers) {
      for (Weight x : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.gate(), l.up(), l.down())) {
        total += bytes(x);
      }
    }
    return total;
  }

  private static long bytes(Weight x) {
    return x.packed() != null ? x.packed().bytes() : 4L * x.rows() * x.cols();
  }

  /**
   * The F32 views of a matrix, or, unless {@code format} is F32, only its packed form (a matrix
   * stored narrow is then never decoded to F32).
   */
  static Weight weight(Matrix m, WeightFormat format) {
    PackedMatrix p = PackedMatrix.pack(m, format);
    return p == null ? pointer(m) : new Weight(null, null, m.rows(), m.cols(), p);
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
    return new Weight(p, b, m.rows(), m.cols(), null);
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
