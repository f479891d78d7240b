package dev.shallows.engine;

/**
 * A text embedding from a decoder-only model: the last token's final hidden state (after the
 * model's final RMSNorm), L2-normalized. This is how vLLM pools decoder-only models by default and
 * how last-token embedding models (e5-mistral, gte-Qwen) are read.
 */
public final class Embedding {

  private Embedding() {}

  /**
   * The embedding of {@code tokens} (at least one) under the view the decoder runs, whose weights
   * are {@code weights}. Returns (D).
   */
  public static float[] lastToken(Decoder decoder, LlamaWeights weights, int[] tokens) {
    float[][] residuals = decoder.residuals(tokens); // (L+1, D): row L before the final norm
    float[] h = residuals[residuals.length - 1];
    int d = h.length;
    float[] gain = new float[d];
    weights.finalNorm().row(0, gain);
    double squares = 0;
    for (float v : h) {
      squares += (double) v * v;
    }
    double inv = 1 / Math.sqrt(squares / d + weights.config().rmsNormEps());
    float[] out = new float[d];
    double norm = 0;
    for (int i = 0; i < d; i++) {
      out[i] = (float) (h[i] * inv * gain[i]);
      norm += (double) out[i] * out[i];
    }
    double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (int i = 0; i < d; i++) {
      out[i] = (float) (out[i] * scale);
    }
    return out;
  }
}
