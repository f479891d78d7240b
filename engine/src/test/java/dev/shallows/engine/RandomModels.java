package dev.shallows.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.DType;
import dev.shallows.store.LlamaConfig;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test fixture: writes small random Llama-family checkpoints in the HF layout (config.json +
 * model.safetensors) for configs that exercise GQA, QKV bias, tied and untied heads, rope scaling
 * and F32/F16/BF16 weights. Values are drawn so that activations and logits stay O(1).
 */
public final class RandomModels {

  /**
   * A random model's shape and options.
   *
   * @param ropeType null, "linear", "dynamic" or "llama3"
   */
  public record Spec(
      String name,
      int hidden,
      int intermediate,
      int layers,
      int heads,
      int kvHeads,
      int vocab,
      int maxPositions,
      boolean tied,
      boolean qkvBias,
      String ropeType,
      double ropeFactor,
      DType dtype,
      long seed) {

    /** The same spec with another weight dtype. */
    public Spec withDtype(DType d) {
      return new Spec(
          name + "-" + d,
          hidden,
          intermediate,
          layers,
          heads,
          kvHeads,
          vocab,
          maxPositions,
          tied,
          qkvBias,
          ropeType,
          ropeFactor,
          d,
          seed);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private RandomModels() {}

  /** A small GQA model (2 query heads per KV head), untied, F32. */
  public static Spec small() {
    return new Spec("gqa-untied-f32", 32, 48, 3, 4, 2, 64, 64, false, false, null, 1, DType.F32, 1);
  }

  /** Configs covering the variants the engine must support (each takes milliseconds to run). */
  public static List<Spec> variety() {
    return List.of(
        small(),
        new Spec("mha-tied-f16", 24, 40, 2, 3, 3, 50, 64, true, false, null, 1, DType.F16, 2),
        new Spec("gqa-qkvbias-bf16", 32, 56, 2, 4, 1, 70, 64, false, true, null, 1, DType.BF16, 3),
        new Spec("rope-linear", 32, 48, 2, 4, 2, 64, 64, true, false, "linear", 2.0, DType.F32, 4),
        new Spec(
            "rope-dynamic", 32, 48, 2, 4, 2, 64, 8, false, false, "dynamic", 2.0, DType.F32, 5),
        new Spec("rope-llama3", 64, 96, 2, 4, 2, 64, 64, false, true, "llama3", 8.0, DType.F32, 6));
  }

  /** The config.json content of a spec. */
  public static ObjectNode configJson(Spec s) {
    ObjectNode j = new ObjectMapper().createObjectNode();
    j.put("architectures", "LlamaForCausalLM");
    j.put("model_type", s.qkvBias() ? "qwen2" : "llama");
    j.put("hidden_size", s.hidden());
    j.put("intermediate_size", s.intermediate());
    j.put("num_hidden_layers", s.layers());
    j.put("num_attention_heads", s.heads());
    j.put("num_key_value_heads", s.kvHeads());
    j.put("vocab_size", s.vocab());
    j.put("max_position_embeddings", s.maxPositions());
    j.put("rms_norm_eps", 1e-5);
    j.put("rope_theta", 10000.0);
    j.put("tie_word_embeddings", s.tied());
    j.put("attention_bias", s.qkvBias());
    j.put("bos_token_id", 1);
    j.put("eos_token_id", 2);
    j.put(
        "torch_dtype",
        s.dtype() == DType.F32 ? "float32" : s.dtype() == DType.F16 ? "float16" : "bfloat16");
    if (s.ropeType() != null) {
      ObjectNode r = j.putObject("rope_scaling");
      r.put("rope_type", s.ropeType());
      r.put("factor", s.ropeFactor());
      if (s.ropeType().equals("llama3")) {
        r.put("low_freq_factor", 1.0);
        r.put("high_freq_factor", 4.0);
        r.put("original_max_position_embeddings", 64);
      }
    }
    return j;
  }

  /** Writes the spec's model into {@code dir} (created) and returns it. */
  public static Path write(Path dir, Spec s) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LlamaConfig c = LlamaConfig.fromJson(configJson(s));
    c.write(dir);
    Random r = new Random(s.seed());
    int d = c.hiddenSize();
    int f = c.intermediateSize();
    int q = c.qDim();
    int k = c.kvDim();
    List<Tensor> ts = new ArrayList<>();
    ts.add(tensor(s, "model.embed_tokens.weight", r, 1.0, 0, c.vocabSize(), d));
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      ts.add(tensor(s, p + "input_layernorm.weight", r, 0.2, 1.0, d));
      ts.add(tensor(s, p + "self_attn.q_proj.weight", r, 1 / Math.sqrt(d), 0, q, d));
      ts.add(tensor(s, p + "self_attn.k_proj.weight", r, 1 / Math.sqrt(d), 0, k, d));
      ts.add(tensor(s, p + "self_attn.v_proj.weight", r, 1 / Math.sqrt(d), 0, k, d));
      if (s.qkvBias()) {
        ts.add(tensor(s, p + "self_attn.q_proj.bias", r, 0.3, 0, q));
        ts.add(tensor(s, p + "self_attn.k_proj.bias", r, 0.3, 0, k));
        ts.add(tensor(s, p + "self_attn.v_proj.bias", r, 0.3, 0, k));
      }
      ts.add(tensor(s, p + "self_attn.o_proj.weight", r, 1 / Math.sqrt(q), 0, d, q));
      ts.add(tensor(s, p + "post_attention_layernorm.weight", r, 0.2, 1.0, d));
      ts.add(tensor(s, p + "mlp.gate_proj.weight", r, 1 / Math.sqrt(d), 0, f, d));
      ts.add(tensor(s, p + "mlp.up_proj.weight", r, 1 / Math.sqrt(d), 0, f, d));
      ts.add(tensor(s, p + "mlp.down_proj.weight", r, 1 / Math.sqrt(f), 0, d, f));
    }
    ts.add(tensor(s, "model.norm.weight", r, 0.2, 1.0, d));
    if (!s.tied()) {
      ts.add(tensor(s, "lm_head.weight", r, 1 / Math.sqrt(d), 0, c.vocabSize(), d));
    }
    SafetensorsWriter.write(dir.resolve("model.safetensors"), ts);
    return dir;
  }

  /** A tensor of {@code mean + std * N(0,1)} values in the spec's dtype. */
  private static Tensor tensor(
      Spec s, String name, Random r, double std, double mean, int... dims) {
    long[] shape = new long[dims.length];
    int n = 1;
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
      n *= dims[i];
    }
    ByteBuffer b = ByteBuffer.allocate(n * s.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      float v = (float) (mean + std * r.nextGaussian());
      switch (s.dtype()) {
        case F32 -> b.putFloat(v);
        case F16 -> b.putShort(Tensor.floatToHalf(v));
        case BF16 -> b.putShort(Tensor.floatToBf16(v));
      }
    }
    b.flip();
    return new Tensor(name, s.dtype(), shape, b);
  }

  /** Random token ids in [0, vocab). */
  public static int[] tokens(int n, int vocab, long seed) {
    Random r = new Random(seed);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }
}
