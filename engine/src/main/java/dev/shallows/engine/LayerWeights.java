package dev.shallows.engine;

/**
 * The weights of one decoder layer, in HF names ({@code model.layers.N.*}). Biases are null unless
 * the config has QKV bias. Shapes with D = hidden, F = intermediate, Q = H*hd, K = KVH*hd.
 *
 * @param originalIndex the layer's index in the unpruned source model
 * @param inputNorm input_layernorm (1, D)
 * @param wq q_proj (Q, D)
 * @param wk k_proj (K, D)
 * @param wv v_proj (K, D)
 * @param wo o_proj (D, Q)
 * @param bq q_proj bias (1, Q) or null
 * @param bk k_proj bias (1, K) or null
 * @param bv v_proj bias (1, K) or null
 * @param postNorm post_attention_layernorm (1, D)
 * @param gate mlp.gate_proj (F, D)
 * @param up mlp.up_proj (F, D)
 * @param down mlp.down_proj (D, F)
 */
public record LayerWeights(
    int originalIndex,
    Matrix inputNorm,
    Matrix wq,
    Matrix wk,
    Matrix wv,
    Matrix wo,
    Matrix bq,
    Matrix bk,
    Matrix bv,
    Matrix postNorm,
    Matrix gate,
    Matrix up,
    Matrix down) {}
