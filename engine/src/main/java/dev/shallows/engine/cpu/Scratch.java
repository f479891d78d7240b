package dev.shallows.engine.cpu;

import dev.shallows.store.LlamaConfig;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A decoder's working memory for one chunk of up to R rows, allocated once: heap arrays for the
 * Java-side ops, and native buffers (JavaCPP, freed on close) that OpenBLAS reads and writes.
 * OpenBLAS inputs are copied into {@link #nIn}; outputs are copied back to heap arrays (a few KB
 * per row, small beside the weights each matmul streams).
 */
final class Scratch implements AutoCloseable {

  /** Batches up to this many rows use {@link SkinnyGemm}; more use OpenBLAS sgemm. */
  static final int SKINNY_MAX_ROWS = Integer.getInteger("shallows.cpu.skinnyRows", 12);

  final float[] x; // (R, D) residual stream
  final float[] xn; // (R, D) normed
  final float[] q; // (R, Q)
  final float[] k; // (R, K)
  final float[] v; // (R, K)
  final float[] att; // (R, Q)
  final float[] g; // (R, F)
  final float[] u; // (R, F)
  final float[] tmp; // (R, D)
  final float[] cos; // (R, hd/2)
  final float[] sin; // (R, hd/2)

  final FloatPointer nIn; // (R, max(D, Q, F))
  final FloatPointer nA; // (R, max(D, Q, F))
  final FloatPointer nB; // (R, max(K, F))
  final FloatPointer nC; // (R, K)
  private final FloatBuffer inView;
  private final FloatBuffer aView;
  private final FloatBuffer bView;
  private final FloatBuffer cView;
  private FloatPointer nLogits; // (n, V), grown on demand
  private FloatBuffer logitsView;
  float[] logits; // (n, V), grown with nLogits
  private float[] inSrc;
  private int inFloats;
  private boolean inCopied;
  private final int vocab;

  Scratch(LlamaConfig c, int rows) {
    int d = c.hiddenSize();
    int q = c.qDim();
    int kv = c.kvDim();
    int f = c.intermediateSize();
    int wide = Math.max(d, Math.max(q, f));
    x = new float[rows * d];
    xn = new float[rows * d];
    this.q = new float[rows * q];
    k = new float[rows * kv];
    v = new float[rows * kv];
    att = new float[rows * q];
    g = new float[rows * f];
    u = new float[rows * f];
    tmp = new float[rows * d];
    cos = new float[rows * c.headDim() / 2];
    sin = new float[rows * c.headDim() / 2];
    nIn = new FloatPointer((long) rows * wide);
    nA = new FloatPointer((long) rows * wide);
    nB = new FloatPointer((long) rows * Math.max(kv, f));
    nC = new FloatPointer((long) rows * kv);
    inView = nIn.asBuffer();
    aView = nA.asBuffer();
    bView = nB.asBuffer();
    cView = nC.asBuffer();
    vocab = c.vocabSize();
  }

  /** Sets the matmul input: rows of {@code width} floats at the start of {@code src}. */
  void input(float[] src, int rows, int width) {
    inSrc = src;
    inFloats = rows * width;
    inCopied = false;
  }

  /**
   * dst (rows, N) = input (rows, K) · W (N, K)ᵀ. Up to {@link Blas#GEMV_MAX_ROWS} rows and many
   * rows go through OpenBLAS via the native buffers (sgemv per row on L2-sized blocks, sgemm), the
   * rows between run the Java {@link SkinnyGemm} on the heap input ({@code nOut} is the native
   * output buffer to use).
   */
  void matmul(CpuWeights.Weight w, int rows, FloatPointer nOut, float[] dst) {
    int n = w.rows();
    int k = w.cols();
    if (w.packed() != null) {
      w.packed().matmul(inSrc, rows, dst); // narrow weights: Vector API kernels
      return;
    }
    if (rows > Blas.GEMV_MAX_ROWS && rows <= SKINNY_MAX_ROWS && w.bytes() != null) {
      SkinnyGemm.matmul(w.bytes(), n, k, inSrc, rows, dst);
      return;
    }
    if (!inCopied) {
      inView.put(0, inSrc, 0, inFloats);
      inCopied = true;
    }
    Blas.matmul(w.pointer(), n, k, nIn, nOut, rows);
    FloatBuffer out = nOut == nLogits ? logitsView : view(nOut);
    out.get(0, dst, 0, rows * n);
  }

  /** The logits buffers (native and heap) with room for n rows (grown if needed). */
  FloatPointer logits(int n) {
    long need = (long) n * vocab;
    if (nLogits == null || nLogits.capacity() < need) {
      if (nLogits != null) {
        nLogits.close();
      }
      nLogits = new FloatPointer(need);
      logitsView = nLogits.asBuffer();
      logits = new float[Math.toIntExact(need)];
    }
    return nLogits;
  }

  private FloatBuffer view(FloatPointer p) {
    if (p == nA) {
      return aView;
    } else if (p == nB) {
      return bView;
    } else if (p == nC) {
      return cView;
    }
    throw new IllegalArgumentException("not a scratch buffer");
  }

  @Override
  public void close() {
    nIn.close();
    nA.close();
    nB.close();
    nC.close();
    if (nLogits != null) {
      nLogits.close();
    }
  }
}
