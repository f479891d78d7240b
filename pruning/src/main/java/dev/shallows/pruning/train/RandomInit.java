package dev.shallows.pruning.train;

import dev.shallows.engine.LayerWeights;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.Matrix;
import dev.shallows.store.LlamaConfig;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random initialization of a Llama for pretraining, GPT-2 style: embeddings and projections
 * ~ N(0, 0.02), the two residual-output projections (o_proj, down_proj) scaled by 1/sqrt(2L), norms
 * at one. Every tensor draws from its own generator seeded from (seed, tensor index), so the result
 * depends only on the seed and the shape.
 */
public final class RandomInit {

  private static final double STD = 0.02;

  private RandomInit() {}

  /** Fresh weights for {@code c} (off-heap F32 buffers, as loaded weights are). */
  public static LlamaWeights weights(LlamaConfig c, long seed) {
    int d = c.hiddenSize();
    int f = c.intermediateSize();
    int q = c.qDim();
    int k = c.kvDim();
    int l = c.numHiddenLayers();
    double residual = STD / Math.sqrt(2.0 * l);
    int[] idx = {0};
    Matrix embed = normal("model.embed_tokens.weight", c.vocabSize(), d, STD, seed, idx);
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < l; i++) {
      String p = "model.layers." + i + ".";
      layers.add(
          new LayerWeights(
              i,
              ones(p + "input_layernorm.weight", d),
              normal(p + "self_attn.q_proj.weight", q, d, STD, seed, idx),
              normal(p + "self_attn.k_proj.weight", k, d, STD, seed, idx),
              normal(p + "self_attn.v_proj.weight", k, d, STD, seed, idx),
              normal(p + "self_attn.o_proj.weight", d, q, residual, seed, idx),
              null,
              null,
              null,
              ones(p + "post_attention_layernorm.weight", d),
              normal(p + "mlp.gate_proj.weight", f, d, STD, seed, idx),
              normal(p + "mlp.up_proj.weight", f, d, STD, seed, idx),
              normal(p + "mlp.down_proj.weight", d, f, residual, seed, idx)));
    }
    Matrix norm = ones("model.norm.weight", d);
    Matrix head =
        c.tieWordEmbeddings() ? embed : normal("lm_head.weight", c.vocabSize(), d, STD, seed, idx);
    return new LlamaWeights(c, embed, layers, norm, head);
  }

  private static Matrix normal(String name, int rows, int cols, double std, long seed, int[] idx) {
    FloatBuffer b = direct(rows * cols);
    Random rnd = new Random(seed * 1_000_003L + idx[0]++);
    for (int i = 0; i < rows * cols; i++) {
      b.put(i, (float) (rnd.nextGaussian() * std));
    }
    return new Matrix(name, b, rows, cols);
  }

  private static Matrix ones(String name, int n) {
    FloatBuffer b = direct(n);
    for (int i = 0; i < n; i++) {
      b.put(i, 1f);
    }
    return new Matrix(name, b, 1, n);
  }

  private static FloatBuffer direct(int n) {
    return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
