package dev.shallows.engine.cpu;

import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The one place the CPU path calls OpenBLAS (through JavaCPP): y = x · Wᵀ for HF-layout weights W
 * (N, K) row-major, on memory-mapped weights without copying. One row uses {@code sgemv}, several
 * rows {@code sgemm}. OpenBLAS runs {@link #threads()} threads (system property {@code
 * shallows.blas.threads}, default 2); never run it while PyTorch's pool is busy on the same cores.
 */
public final class Blas {

  private static final int THREADS = Integer.getInteger("shallows.blas.threads", 2);

  static {
    openblas_full.openblas_set_num_threads(THREADS);
  }

  private Blas() {}

  /** OpenBLAS's thread count (set once, when this class loads the library). */
  public static int threads() {
    return THREADS;
  }

  /**
   * y (R, N) = x (R, K) · W (N, K)ᵀ. All three pointers must address native memory (a direct
   * buffer's or JavaCPP's), rows packed without padding.
   */
  public static void matmul(
      FloatPointer w, int n, int k, FloatPointer x, FloatPointer y, int rows) {
    if (rows == 1) {
      openblas_full.cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, 1f, w, k, x, 1, 0f, y, 1);
    } else {
      openblas_full.cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, rows, n, k, 1f, x, k, w, k, 0f, y, n);
    }
  }
}
