package dev.shallows.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Hyperparameters of a Llama-family decoder (Llama, Mistral, Qwen2), bound to Hugging Face {@code
 * config.json} names. The raw JSON is kept so that rewriting a config (e.g. pruning layers)
 * preserves every key this record does not model.
 *
 * @param modelType {@code model_type}: llama, mistral, qwen2
 * @param hiddenSize {@code hidden_size}, D
 * @param intermediateSize {@code intermediate_size}, the SwiGLU width F
 * @param numHiddenLayers {@code num_hidden_layers}, L
 * @param numAttentionHeads {@code num_attention_heads}, H
 * @param numKeyValueHeads {@code num_key_value_heads}, KVH (defaults to H: no GQA)
 * @param headDim {@code head_dim} (defaults to D / H)
 * @param vocabSize {@code vocab_size}, V
 * @param maxPositionEmbeddings {@code max_position_embeddings}, the context length
 * @param rmsNormEps {@code rms_norm_eps}
 * @param ropeTheta {@code rope_theta} (default 10000)
 * @param ropeScaling {@code rope_scaling}, or null
 * @param tieWordEmbeddings {@code tie_word_embeddings}: lm_head shares embed_tokens
 * @param attentionBias QKV bias: {@code attention_bias}, or implied by {@code model_type == qwen2}
 * @param bosTokenIds {@code bos_token_id} (int or list), possibly empty
 * @param eosTokenIds {@code eos_token_id} (int or list), possibly empty
 * @param torchDtype {@code torch_dtype} as written (informational)
 * @param raw the whole config.json as read
 */
public record LlamaConfig(
    String modelType,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int vocabSize,
    int maxPositionEmbeddings,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    boolean tieWordEmbeddings,
    boolean attentionBias,
    List<Integer> bosTokenIds,
    List<Integer> eosTokenIds,
    String torchDtype,
    ObjectNode raw) {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** RoPE frequency scaling as HF configs express it ({@code rope_scaling}). */
  public record RopeScaling(
      String type,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositionEmbeddings) {}

  public LlamaConfig {
    if (hiddenSize <= 0 || numHiddenLayers < 0 || numAttentionHeads <= 0 || vocabSize <= 0) {
      throw new IllegalArgumentException("config.json: sizes must be positive");
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "config.json: num_attention_heads ("
              + numAttentionHeads
              + ") is not a multiple of num_key_value_heads ("
              + numKeyValueHeads
              + ")");
    }
    bosTokenIds = List.copyOf(bosTokenIds);
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** KV width per token: KVH * head_dim. */
  public int kvDim() {
    return numKeyValueHeads * headDim;
  }

  /** Query width per token: H * head_dim (equal to D for classic Llama). */
  public int qDim() {
    return numAttentionHeads * headDim;
  }

  /** Reads {@code dir/config.json} (or a config file path). */
  public static LlamaConfig read(Path dirOrFile) {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
    try {
      return fromJson((ObjectNode) JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Binds a parsed config.json. Missing optional keys take the HF defaults. */
  public static LlamaConfig fromJson(ObjectNode j) {
    String type = text(j, "model_type", "llama");
    int d = required(j, "hidden_size");
    int heads = required(j, "num_attention_heads");
    int kvHeads = j.path("num_key_value_heads").asInt(heads);
    int headDim = j.hasNonNull("head_dim") ? j.get("head_dim").asInt() : d / heads;
    RopeScaling scaling = null;
    JsonNode rs = j.get("rope_scaling");
    if (rs != null && rs.isObject()) {
      String kind =
          rs.hasNonNull("rope_type") ? rs.get("rope_type").asText() : text(rs, "type", "");
      scaling =
          new RopeScaling(
              kind,
              rs.path("factor").asDouble(1.0),
              rs.path("low_freq_factor").asDouble(1.0),
              rs.path("high_freq_factor").asDouble(4.0),
              rs.path("original_max_position_embeddings").asInt(0));
    }
    boolean bias =
        j.has("attention_bias") ? j.get("attention_bias").asBoolean() : "qwen2".equals(type);
    return new LlamaConfig(
        type,
        d,
        required(j, "intermediate_size"),
        required(j, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        required(j, "vocab_size"),
        j.path("max_position_embeddings").asInt(2048),
        j.path("rms_norm_eps").asDouble(1e-6),
        j.path("rope_theta").asDouble(10000.0),
        scaling,
        j.path("tie_word_embeddings").asBoolean(false),
        bias,
        ids(j.get("bos_token_id")),
        ids(j.get("eos_token_id")),
        text(j, "torch_dtype", "float32"),
        j.deepCopy());
  }

  /** A copy with {@code num_hidden_layers} rewritten (model surgery); other keys are kept. */
  public LlamaConfig withNumHiddenLayers(int layers) {
    ObjectNode copy = raw.deepCopy();
    copy.put("num_hidden_layers", layers);
    return fromJson(copy);
  }

  /** Writes this config as {@code config.json} into a directory. */
  public void write(Path dir) {
    try {
      JSON.writeValue(dir.resolve("config.json").toFile(), raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int required(JsonNode j, String key) {
    JsonNode v = j.get(key);
    if (v == null || !v.canConvertToInt()) {
      throw new IllegalArgumentException("config.json lacks integer key '" + key + "'");
    }
    return v.asInt();
  }

  private static String text(JsonNode j, String key, String dflt) {
    JsonNode v = j.get(key);
    return v == null || v.isNull() ? dflt : v.asText();
  }

  private static List<Integer> ids(JsonNode v) {
    List<Integer> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (v.isArray()) {
      for (JsonNode e : (ArrayNode) v) {
        out.add(e.asInt());
      }
    } else {
      out.add(v.asInt());
    }
    return out;
  }
}
