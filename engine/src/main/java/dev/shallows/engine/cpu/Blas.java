package dev.shallows.engine.cpu;

import static org.bytedeco.openblas.global.openblas_full.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_full.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_full.CblasTrans;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The one place the CPU path calls OpenBLAS (through JavaCPP): y = x · Wᵀ for HF-layout weights W
 * (N, K) row-major, on memory-mapped weights without copying. One to {@link #GEMV_MAX_ROWS} rows
 * use {@code sgemv} (once per row on each block), more rows {@code sgemm}. OpenBLAS itself runs
 * single-threaded; the N output rows are split into blocks that {@link Parallel} spreads over
 * {@code shallows.cpu.threads} threads (default 2), which degrades gracefully on a busy machine
 * where OpenBLAS's own pool stalled.
 */
public final class Blas {

  /** Weight bytes per sgemv block: large enough to amortize a call, small enough to balance. */
  private static final long BLOCK_BYTES = Long.getLong("shallows.cpu.blockKiB", 512) * 1024;

  /**
   * Up to this many rows run one sgemv per row on each block: the block (512 KiB) is read from
   * memory once and from L2 by the other rows, where sgemm or the Java skinny kernel read the
   * mapped weights at about half of sgemv's speed.
   */
  public static final int GEMV_MAX_ROWS = Integer.getInteger("shallows.cpu.gemvRows", 8);

  /** Weight bytes per sgemm block: larger, since each call packs the whole activation panel. */
  private static final long GEMM_BLOCK_BYTES = 8L << 20;

  static {
    openblas_full.openblas_set_num_threads(1);
  }

  private Blas() {}

  /** Threads a matmul runs on. */
  public static int threads() {
    return Parallel.THREADS;
  }

  /**
   * y (R, N) = x (R, K) · W (N, K)ᵀ. All three pointers must address native memory (a direct
   * buffer's or JavaCPP's), rows packed without padding.
   */
  public static void matmul(
      FloatPointer w, int n, int k, FloatPointer x, FloatPointer y, int rows) {
    long bytes = 4L * n * k;
    long per = rows <= GEMV_MAX_ROWS ? BLOCK_BYTES : GEMM_BLOCK_BYTES;
    int blocks = (int) Math.min(Math.max(1, bytes / per), Math.max(1, n / 16));
    if (Parallel.THREADS > 1 && bytes >= 2 * 64 * 1024) {
      blocks = Math.max(blocks, Parallel.THREADS);
    }
    if (blocks == 1) {
      block(w, 0, n, k, x, y, n, rows);
      return;
    }
    int size = ((n + blocks - 1) / blocks + 15) / 16 * 16; // rows per block, a multiple of 16
    int count = (n + size - 1) / size;
    Parallel.forEach(
        count,
        b -> {
          int n0 = b * size;
          block(w, n0, Math.min(n, n0 + size) - n0, k, x, y, n, rows);
        });
  }

  /** Output columns n0..n0+nb of y (ldy = n). */
  private static void block(
      FloatPointer w, int n0, int nb, int k, FloatPointer x, FloatPointer y, int n, int rows) {
    FloatPointer wb = n0 == 0 ? w : w.getPointer((long) n0 * k);
    FloatPointer yb = n0 == 0 ? y : y.getPointer(n0);
    if (rows <= GEMV_MAX_ROWS) {
      for (int r = 0; r < rows; r++) { // the block stays in L2 for the rows after the first
        FloatPointer xr = r == 0 ? x : x.getPointer((long) r * k);
        FloatPointer yr = r == 0 ? yb : yb.getPointer((long) r * n);
        openblas_full.cblas_sgemv(CblasRowMajor, CblasNoTrans, nb, k, 1f, wb, k, xr, 1, 0f, yr, 1);
      }
    } else {
      openblas_full.cblas_sgemm(
          CblasRowMajor, CblasNoTrans, CblasTrans, rows, nb, k, 1f, x, k, wb, k, 0f, yb, n);
    }
  }
}
