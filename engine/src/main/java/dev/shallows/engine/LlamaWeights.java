package dev.shallows.engine;

import dev.shallows.store.Checkpoint;
import dev.shallows.store.LlamaConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * All weights of a Llama-family model as (F32-readable) matrices, loaded once and shared read-only
 * by every runtime and variant. A pruned variant is {@link #keep(int[])}: the same matrices, fewer
 * layers.
 *
 * @param config the config of this view (num_hidden_layers = layers.size())
 * @param embed model.embed_tokens (V, D)
 * @param layers the decoder layers in forward order
 * @param finalNorm model.norm (1, D)
 * @param lmHead lm_head (V, D), the embedding itself when tied
 */
public record LlamaWeights(
    LlamaConfig config, Matrix embed, List<LayerWeights> layers, Matrix finalNorm, Matrix lmHead) {

  public LlamaWeights {
    layers = List.copyOf(layers);
    if (config.numHiddenLayers() != layers.size()) {
      throw new IllegalArgumentException(
          "config says " + config.numHiddenLayers() + " layers, weights have " + layers.size());
    }
  }

  /**
   * Loads every weight of a checkpoint: F32 zero-copy; F16/BF16 and int8/NF4 codes decoded to F32
   * off-heap on first use of {@link Matrix#data()} (narrow-weight kernels repack them by rows).
   */
  public static LlamaWeights load(Checkpoint ckpt) {
    LlamaConfig c = ckpt.config();
    int d = c.hiddenSize();
    int f = c.intermediateSize();
    int q = c.qDim();
    int k = c.kvDim();
    Matrix embed = matrix(ckpt, "model.embed_tokens.weight", c.vocabSize(), d);
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      boolean bias = c.attentionBias() || ckpt.has(p + "self_attn.q_proj.bias");
      layers.add(
          new LayerWeights(
              i,
              matrix(ckpt, p + "input_layernorm.weight", 1, d),
              matrix(ckpt, p + "self_attn.q_proj.weight", q, d),
              matrix(ckpt, p + "self_attn.k_proj.weight", k, d),
              matrix(ckpt, p + "self_attn.v_proj.weight", k, d),
              matrix(ckpt, p + "self_attn.o_proj.weight", d, q),
              bias ? matrix(ckpt, p + "self_attn.q_proj.bias", 1, q) : null,
              bias ? matrix(ckpt, p + "self_attn.k_proj.bias", 1, k) : null,
              bias ? matrix(ckpt, p + "self_attn.v_proj.bias", 1, k) : null,
              matrix(ckpt, p + "post_attention_layernorm.weight", 1, d),
              matrix(ckpt, p + "mlp.gate_proj.weight", f, d),
              matrix(ckpt, p + "mlp.up_proj.weight", f, d),
              matrix(ckpt, p + "mlp.down_proj.weight", d, f)));
    }
    Matrix norm = matrix(ckpt, "model.norm.weight", 1, d);
    Matrix head =
        c.tieWordEmbeddings() || !ckpt.has("lm_head.weight")
            ? embed
            : matrix(ckpt, "lm_head.weight", c.vocabSize(), d);
    return new LlamaWeights(c, embed, layers, norm, head);
  }

  /**
   * A view keeping only the given positions of this view's layer list (0-based, ascending), with
   * num_hidden_layers rewritten. No weight is copied.
   */
  public LlamaWeights keep(int[] positions) {
    List<LayerWeights> kept = new ArrayList<>();
    int prev = -1;
    for (int p : positions) {
      if (p <= prev || p >= layers.size()) {
        throw new IllegalArgumentException(
            "layer positions must be ascending and < " + layers.size());
      }
      kept.add(layers.get(p));
      prev = p;
    }
    return new LlamaWeights(
        config.withNumHiddenLayers(kept.size()), embed, kept, finalNorm, lmHead);
  }

  /** Original (source-model) indices of the layers in this view. */
  public int[] originalLayerIndices() {
    return layers.stream().mapToInt(LayerWeights::originalIndex).toArray();
  }

  private static Matrix matrix(Checkpoint ckpt, String name, int rows, int cols) {
    return StoredMatrices.of(ckpt, name, rows, cols);
  }
}
