package dev.shallows.store.llama2c;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.DType;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a llama2.c checkpoint and tokenizer into a Hugging Face Llama model directory:
 * config.json, generation_config.json, model.safetensors (F32), tokenizer.json and
 * tokenizer_config.json. The directory is written atomically ({@link AtomicDirectory}).
 *
 * <p>llama2.c rotates interleaved pairs (2i, 2i+1) of each head with RoPE; HF Llama rotates the
 * halves (i, i + hs/2). As in HF's convert_llama_weights_to_hf.py, the rows of wq and wk are
 * permuted per head so that the imported model runs on the standard HF code path: new row {@code
 * p*hs/2 + i} of a head is old row {@code 2i + p}.
 */
public final class Llama2cImporter {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Llama2cImporter() {}

  /**
   * Imports {@code checkpoint} + {@code tokenizer} into {@code out}; refuses a non-empty {@code
   * out} unless {@code overwrite}. Returns the config written.
   */
  public static LlamaConfig importModel(
      Path checkpoint, Path tokenizer, Path out, boolean overwrite) {
    Llama2cVocab vocab = Llama2cVocab.read(tokenizer);
    try (Llama2cCheckpoint ckpt = Llama2cCheckpoint.open(checkpoint);
        AtomicDirectory dir = AtomicDirectory.create(out, overwrite)) {
      Llama2cCheckpoint.Header h = ckpt.header();
      if (vocab.size() != h.vocabSize()) {
        throw new IllegalArgumentException(
            tokenizer
                + " has "
                + vocab.size()
                + " tokens but "
                + checkpoint
                + " has vocab_size "
                + h.vocabSize());
      }
      LlamaConfig config = LlamaConfig.fromJson(configJson(h));
      SafetensorsWriter.write(dir.path().resolve("model.safetensors"), tensors(ckpt));
      config.write(dir.path());
      writeJson(dir.path().resolve("generation_config.json"), generationConfig());
      writeJson(dir.path().resolve("tokenizer.json"), Llama2cTokenizerJson.tokenizerJson(vocab));
      writeJson(
          dir.path().resolve("tokenizer_config.json"),
          Llama2cTokenizerJson.tokenizerConfig(h.seqLen()));
      dir.commit();
      return config;
    }
  }

  /** All tensors under HF names, in llama2.c file order per kind, permuting q and k rows. */
  static List<Tensor> tensors(Llama2cCheckpoint c) {
    Llama2cCheckpoint.Header h = c.header();
    long d = h.dim();
    long f = h.hiddenDim();
    long kv = h.kvDim();
    int layers = h.nLayers();
    List<Tensor> out = new ArrayList<>();
    out.add(t("model.embed_tokens.weight", c.next(h.vocabSize() * d), h.vocabSize(), d));
    List<Tensor> perLayer = new ArrayList<>();
    perLayer.addAll(layered(c, layers, "input_layernorm", d));
    for (int l = 0; l < layers; l++) { // (H*hs, D)
      ByteBuffer q = permuteRows(c.next(d * d), h.nHeads(), (int) d, (int) d);
      perLayer.add(t(layer(l, "self_attn.q_proj"), q, d, d));
    }
    for (int l = 0; l < layers; l++) { // (KVH*hs, D)
      ByteBuffer k = permuteRows(c.next(kv * d), h.nKvHeads(), (int) kv, (int) d);
      perLayer.add(t(layer(l, "self_attn.k_proj"), k, kv, d));
    }
    perLayer.addAll(layered(c, layers, "self_attn.v_proj", kv, d));
    perLayer.addAll(layered(c, layers, "self_attn.o_proj", d, d));
    perLayer.addAll(layered(c, layers, "post_attention_layernorm", d));
    perLayer.addAll(layered(c, layers, "mlp.gate_proj", f, d)); // w1
    perLayer.addAll(layered(c, layers, "mlp.down_proj", d, f)); // w2
    perLayer.addAll(layered(c, layers, "mlp.up_proj", f, d)); // w3
    // group by layer for readability of the file; the reader does not care about order
    for (int l = 0; l < layers; l++) {
      String prefix = "model.layers." + l + ".";
      for (Tensor t : perLayer) {
        if (t.name().startsWith(prefix)) {
          out.add(t);
        }
      }
    }
    out.add(t("model.norm.weight", c.next(d), d));
    c.skip((long) h.seqLen() * h.headSize()); // legacy freq_cis_real and freq_cis_imag
    if (!h.tied()) {
      out.add(t("lm_head.weight", c.next(h.vocabSize() * d), h.vocabSize(), d));
    }
    return out;
  }

  private static List<Tensor> layered(Llama2cCheckpoint c, int layers, String name, long... shape) {
    List<Tensor> out = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      out.add(t(layer(l, name), c.next(Tensor.numel(shape)), shape));
    }
    return out;
  }

  private static String layer(int l, String name) {
    return "model.layers." + l + "." + name + ".weight";
  }

  private static Tensor t(String name, ByteBuffer data, long... shape) {
    return new Tensor(name, DType.F32, shape, data);
  }

  /**
   * HF's permute(w, n_heads, rows, cols): {@code w.view(heads, hs/2, 2, cols).transpose(1, 2)
   * .reshape(rows, cols)}, i.e. within each head new row {@code p*hs/2 + i} = old row {@code 2i+p}.
   */
  static ByteBuffer permuteRows(ByteBuffer src, int heads, int rows, int cols) {
    int hs = rows / heads;
    int half = hs / 2;
    FloatBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    ByteBuffer dst = ByteBuffer.allocateDirect(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
    FloatBuffer o = dst.asFloatBuffer();
    float[] row = new float[cols];
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < half; i++) {
        for (int p = 0; p < 2; p++) {
          int from = head * hs + 2 * i + p;
          int to = head * hs + p * half + i;
          in.get(from * cols, row);
          o.put(to * cols, row);
        }
      }
    }
    return dst;
  }

  /** config.json for a llama2.c header. */
  static ObjectNode configJson(Llama2cCheckpoint.Header h) {
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add("LlamaForCausalLM");
    c.put("model_type", "llama");
    c.put("hidden_size", h.dim());
    c.put("intermediate_size", h.hiddenDim());
    c.put("num_hidden_layers", h.nLayers());
    c.put("num_attention_heads", h.nHeads());
    c.put("num_key_value_heads", h.nKvHeads());
    c.put("head_dim", h.headSize());
    c.put("vocab_size", h.vocabSize());
    c.put("max_position_embeddings", h.seqLen());
    c.put("hidden_act", "silu");
    c.put("rms_norm_eps", 1e-5);
    c.put("rope_theta", 10000.0);
    c.putNull("rope_scaling");
    c.put("attention_bias", false);
    c.put("mlp_bias", false);
    c.put("tie_word_embeddings", h.tied());
    c.put("bos_token_id", 1);
    c.put("eos_token_id", 2);
    c.put("initializer_range", 0.02);
    c.put("use_cache", true);
    c.put("torch_dtype", "float32");
    return c;
  }

  static ObjectNode generationConfig() {
    ObjectNode g = JSON.createObjectNode();
    g.put("bos_token_id", 1);
    g.put("eos_token_id", 2);
    g.put("_from_model_config", true);
    return g;
  }

  private static void writeJson(Path file, ObjectNode json) {
    try {
      JSON.writeValue(file.toFile(), json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
