package dev.shallows.pruning.analysis;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * How to choose which n layers to remove. All indices are 0-based positions in the model's layer
 * list; {@link PruningPlan} maps them to ORIGINAL layer indices.
 */
public enum Strategy {
  /**
   * The paper's method: the contiguous block ℓ*(n)..ℓ*(n)+n-1 whose input x(ℓ) and output x(ℓ+n)
   * have the smallest mean angular distance. Needs calibration data.
   */
  ANGULAR("angular", true),
  /**
   * The simple heuristic: the n deepest layers except the final one, i.e. positions L-n-1..L-2.
   * Needs no data.
   */
  LAST("last", false),
  /**
   * ShortGPT's block influence (Men et al. 2024, arXiv 2403.03853): BI(ℓ) = 1 - mean cos(x(ℓ),
   * x(ℓ+1)) measures how much layer ℓ changes the residual stream; the n layers with the LOWEST BI
   * (the least influential) are removed, possibly not contiguous. Needs calibration data.
   */
  BLOCK_INFLUENCE("block-influence", true);

  private final String cliName;
  private final boolean needsData;

  Strategy(String cliName, boolean needsData) {
    this.cliName = cliName;
    this.needsData = needsData;
  }

  /** The name used on the command line and in manifests. */
  public String cliName() {
    return cliName;
  }

  /** Whether choosing layers needs a {@link DistanceTable} from calibration data. */
  public boolean needsData() {
    return needsData;
  }

  /** Parses {@code angular}, {@code last} or {@code block-influence} (case-insensitive). */
  public static Strategy parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Strategy st : values()) {
      if (st.cliName.equals(k)) {
        return st;
      }
    }
    throw new IllegalArgumentException(
        "unknown strategy '" + s + "' (expected angular, last or block-influence)");
  }

  /**
   * The positions (ascending) to remove from a model of {@code layers} layers. {@code table} may be
   * null only for strategies that need no data.
   */
  public int[] positionsToRemove(int layers, int n, DistanceTable table) {
    if (n < 0 || n >= layers) {
      throw new IllegalArgumentException(
          "cannot remove "
              + n
              + " of "
              + layers
              + " layers (n must be in 0.."
              + (layers - 1)
              + ")");
    }
    if (n == 0) {
      return new int[0];
    }
    if (needsData && table == null) {
      throw new IllegalArgumentException("strategy " + cliName + " needs calibration data");
    }
    if (table != null && table.layers() != layers) {
      throw new IllegalArgumentException(
          "distance table has " + table.layers() + " layers, model has " + layers);
    }
    return switch (this) {
      case ANGULAR -> {
        int start = table.bestStart(n);
        yield IntStream.range(start, start + n).toArray();
      }
      case LAST -> IntStream.rangeClosed(layers - n - 1, layers - 2).toArray();
      case BLOCK_INFLUENCE -> {
        double[] bi = table.blockInfluence();
        Integer[] order = IntStream.range(0, layers).boxed().toArray(Integer[]::new);
        // least influential first (ShortGPT removes low-BI layers); ties keep the shallower first
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> bi[i]));
        int[] chosen = new int[n];
        for (int i = 0; i < n; i++) {
          chosen[i] = order[i];
        }
        Arrays.sort(chosen);
        yield chosen;
      }
    };
  }
}
