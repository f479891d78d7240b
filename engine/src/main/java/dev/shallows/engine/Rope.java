package dev.shallows.engine;

import dev.shallows.store.LlamaConfig;
import dev.shallows.store.LlamaConfig.RopeScaling;

/**
 * Rotary position embedding frequencies as Hugging Face Llama computes them, in HF's rotate-half
 * convention: element i and element i + hd/2 of a head form one pair rotated by angle {@code pos *
 * invFreq[i]}. Supports {@code rope_scaling} types default, linear, dynamic (NTK) and llama3;
 * others (yarn, longrope) are refused at construction. Computed in double precision.
 *
 * <p>Dynamic NTK scaling depends on the sequence length of the forward pass (the largest position +
 * 1): like HF, a full pass uses one base for all its positions, and while decoding each step's new
 * keys use the base for its own length while cached keys keep theirs.
 */
public final class Rope {

  private final int headDim;
  private final double theta;
  private final double[] invFreq; // (hd/2): after linear / llama3 scaling
  private final double dynamicFactor; // 0 unless dynamic scaling
  private final int dynamicMaxPositions;

  private Rope(int headDim, double theta, double[] invFreq, double dynFactor, int dynMax) {
    this.headDim = headDim;
    this.theta = theta;
    this.invFreq = invFreq;
    this.dynamicFactor = dynFactor;
    this.dynamicMaxPositions = dynMax;
  }

  /** The RoPE of a config; IllegalArgumentException for unsupported rope_scaling types. */
  public static Rope of(LlamaConfig c) {
    int hd = c.headDim();
    double[] inv = baseInvFreq(c.ropeTheta(), hd);
    RopeScaling s = c.ropeScaling();
    String type = s == null ? "default" : s.type();
    switch (type) {
      case "default", "" -> {
        return new Rope(hd, c.ropeTheta(), inv, 0, 0);
      }
      case "linear" -> {
        for (int i = 0; i < inv.length; i++) {
          inv[i] /= s.factor();
        }
        return new Rope(hd, c.ropeTheta(), inv, 0, 0);
      }
      case "dynamic" -> {
        int max =
            s.originalMaxPositionEmbeddings() > 0
                ? s.originalMaxPositionEmbeddings()
                : c.maxPositionEmbeddings();
        return new Rope(hd, c.ropeTheta(), inv, s.factor(), max);
      }
      case "llama3" -> {
        return new Rope(hd, c.ropeTheta(), llama3(inv, s), 0, 0);
      }
      default ->
          throw new IllegalArgumentException(
              "rope_scaling type '"
                  + type
                  + "' is not supported (default, linear, dynamic, llama3)");
    }
  }

  /** {@code 1 / theta^(2i/hd)} for i in 0..hd/2-1. */
  private static double[] baseInvFreq(double theta, int hd) {
    double[] inv = new double[hd / 2];
    for (int i = 0; i < inv.length; i++) {
      inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / hd);
    }
    return inv;
  }

  /** Llama 3.1: long wavelengths divided by factor, short kept, a smooth blend in between. */
  private static double[] llama3(double[] inv, RopeScaling s) {
    double old = s.originalMaxPositionEmbeddings();
    double lowWavelen = old / s.lowFreqFactor();
    double highWavelen = old / s.highFreqFactor();
    double[] out = new double[inv.length];
    for (int i = 0; i < inv.length; i++) {
      double wavelen = 2 * Math.PI / inv[i];
      if (wavelen < highWavelen) {
        out[i] = inv[i];
      } else if (wavelen > lowWavelen) {
        out[i] = inv[i] / s.factor();
      } else {
        double smooth =
            (old / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
        out[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
      }
    }
    return out;
  }

  /** Whether the frequencies depend on the pass's sequence length (dynamic NTK scaling). */
  public boolean lengthDependent() {
    return dynamicFactor > 0;
  }

  /** Inverse frequencies (hd/2) for a pass whose largest position is {@code seqLen - 1}. */
  public double[] invFreq(int seqLen) {
    if (dynamicFactor == 0 || seqLen <= dynamicMaxPositions) {
      return invFreq.clone();
    }
    double base =
        theta
            * Math.pow(
                dynamicFactor * seqLen / dynamicMaxPositions - (dynamicFactor - 1),
                headDim / (headDim - 2.0));
    return baseInvFreq(base, headDim);
  }

  /**
   * Fills {@code cos} and {@code sin}, each (positions.length, hd) row-major, in rotate-half layout
   * (columns i and i + hd/2 hold the same angle).
   */
  public void table(int[] positions, int seqLen, float[] cos, float[] sin) {
    double[] inv = invFreq(seqLen);
    int half = headDim / 2;
    for (int t = 0; t < positions.length; t++) {
      for (int i = 0; i < half; i++) {
        double angle = positions[t] * inv[i];
        float c = (float) Math.cos(angle);
        float s = (float) Math.sin(angle);
        cos[t * headDim + i] = c;
        cos[t * headDim + half + i] = c;
        sin[t * headDim + i] = s;
        sin[t * headDim + half + i] = s;
      }
    }
  }

  public int headDim() {
    return headDim;
  }
}
