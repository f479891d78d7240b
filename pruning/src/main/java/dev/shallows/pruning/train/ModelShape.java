package dev.shallows.pruning.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.LlamaConfig;

/**
 * The architecture of a Llama model trained from scratch, turned into an HF {@code config.json}.
 *
 * @param layers num_hidden_layers
 * @param hidden hidden_size D
 * @param intermediate intermediate_size F (SwiGLU width)
 * @param heads num_attention_heads
 * @param kvHeads num_key_value_heads (GQA when fewer than heads)
 * @param context max_position_embeddings
 * @param vocab vocab_size (the tokenizer's)
 * @param tied tie_word_embeddings
 * @param bosId bos_token_id, or -1
 * @param eosId eos_token_id, or -1
 */
public record ModelShape(
    int layers,
    int hidden,
    int intermediate,
    int heads,
    int kvHeads,
    int context,
    int vocab,
    boolean tied,
    int bosId,
    int eosId) {

  public ModelShape {
    if (layers < 1 || hidden < 1 || intermediate < 1 || heads < 1 || kvHeads < 1 || vocab < 1) {
      throw new IllegalArgumentException("model sizes must be positive");
    }
    if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
      throw new IllegalArgumentException("hidden size must split into heads of even size");
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("heads must be a multiple of kv heads");
    }
  }

  /** The HF config.json of this shape (float32, RoPE theta 10000, RMSNorm eps 1e-5, SiLU). */
  public LlamaConfig config() {
    ObjectNode j = new ObjectMapper().createObjectNode();
    j.putArray("architectures").add("LlamaForCausalLM");
    j.put("model_type", "llama");
    j.put("hidden_size", hidden);
    j.put("intermediate_size", intermediate);
    j.put("num_hidden_layers", layers);
    j.put("num_attention_heads", heads);
    j.put("num_key_value_heads", kvHeads);
    j.put("head_dim", hidden / heads);
    j.put("vocab_size", vocab);
    j.put("max_position_embeddings", context);
    j.put("rms_norm_eps", 1e-5);
    j.put("rope_theta", 10000.0);
    j.put("hidden_act", "silu");
    j.put("attention_bias", false);
    j.put("tie_word_embeddings", tied);
    if (bosId >= 0) {
      j.put("bos_token_id", bosId);
    }
    if (eosId >= 0) {
      j.put("eos_token_id", eosId);
    }
    j.put("torch_dtype", "float32");
    return LlamaConfig.fromJson(j);
  }
}
