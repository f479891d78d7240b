package dev.shallows.engine.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.LlamaConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a random-weight Llama checkpoint in HF layout (config.json + one F32 model.safetensors),
 * streaming each tensor through a small buffer so multi-GB models never sit in the heap. Linear
 * weights are uniform in ±scale/sqrt(in); norms are 1; biases small. For benchmarks and tests.
 */
public final class RandomCheckpoint {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RandomCheckpoint() {}

  /** A minimal Llama config.json with the given shape (max_position_embeddings 2048). */
  public static ObjectNode llamaConfig(
      int layers, int hidden, int intermediate, int heads, int kvHeads, int vocab) {
    ObjectNode j = JSON.createObjectNode();
    j.put("model_type", "llama");
    j.putArray("architectures").add("LlamaForCausalLM");
    j.put("hidden_size", hidden);
    j.put("intermediate_size", intermediate);
    j.put("num_hidden_layers", layers);
    j.put("num_attention_heads", heads);
    j.put("num_key_value_heads", kvHeads);
    j.put("vocab_size", vocab);
    j.put("max_position_embeddings", 2048);
    j.put("rms_norm_eps", 1e-5);
    j.put("rope_theta", 10000.0);
    j.put("tie_word_embeddings", false);
    j.put("torch_dtype", "float32");
    j.put("bos_token_id", 1);
    j.put("eos_token_id", 2);
    return j;
  }

  /** Writes config.json and model.safetensors for {@code config} into {@code dir} (created). */
  public static void write(Path dir, ObjectNode config, long seed) {
    LlamaConfig c = LlamaConfig.fromJson(config);
    Map<String, long[]> shapes = shapes(c);
    try {
      Files.createDirectories(dir);
      c.write(dir);
      writeSafetensors(dir.resolve("model.safetensors"), shapes, seed);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
  }

  /** Tensor names and shapes in HF order. */
  static Map<String, long[]> shapes(LlamaConfig c) {
    long d = c.hiddenSize();
    long f = c.intermediateSize();
    long q = c.qDim();
    long k = c.kvDim();
    Map<String, long[]> m = new LinkedHashMap<>();
    m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      m.put(p + "input_layernorm.weight", new long[] {d});
      m.put(p + "self_attn.q_proj.weight", new long[] {q, d});
      m.put(p + "self_attn.k_proj.weight", new long[] {k, d});
      m.put(p + "self_attn.v_proj.weight", new long[] {k, d});
      if (c.attentionBias()) {
        m.put(p + "self_attn.q_proj.bias", new long[] {q});
        m.put(p + "self_attn.k_proj.bias", new long[] {k});
        m.put(p + "self_attn.v_proj.bias", new long[] {k});
      }
      m.put(p + "self_attn.o_proj.weight", new long[] {d, q});
      m.put(p + "post_attention_layernorm.weight", new long[] {d});
      m.put(p + "mlp.gate_proj.weight", new long[] {f, d});
      m.put(p + "mlp.up_proj.weight", new long[] {f, d});
      m.put(p + "mlp.down_proj.weight", new long[] {d, f});
    }
    m.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      m.put("lm_head.weight", new long[] {c.vocabSize(), d});
    }
    return m;
  }

  private static void writeSafetensors(Path file, Map<String, long[]> shapes, long seed)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    List<String> names = new ArrayList<>(shapes.keySet());
    for (String name : names) {
      long[] shape = shapes.get(name);
      long bytes = numel(shape) * 4;
      ObjectNode e = header.putObject(name);
      e.put("dtype", "F32");
      var s = e.putArray("shape");
      for (long v : shape) {
        s.add(v);
      }
      e.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    long state = seed * 0x9E3779B97F4A7C15L + 1;
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      write(ch, head);
      for (String name : names) {
        long[] shape = shapes.get(name);
        long n = numel(shape);
        boolean norm = name.endsWith("norm.weight");
        boolean bias = name.endsWith(".bias");
        float scale = norm || bias ? 0.1f : (float) (1.0 / Math.sqrt(shape[shape.length - 1]));
        for (long i = 0; i < n; i++) {
          state ^= state << 13;
          state ^= state >>> 7;
          state ^= state << 17;
          float r = ((state >>> 40) * 0x1p-24f) * 2f - 1f; // uniform in [-1, 1)
          buf.putFloat(norm ? 1f + scale * r : scale * r);
          if (!buf.hasRemaining()) {
            buf.flip();
            write(ch, buf);
            buf.clear();
          }
        }
      }
      buf.flip();
      write(ch, buf);
    }
  }

  private static long numel(long[] shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    return n;
  }

  private static void write(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }
}
