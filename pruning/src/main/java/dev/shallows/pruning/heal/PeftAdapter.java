package dev.shallows.pruning.heal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.SafetensorsWriter;
import dev.shallows.store.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adapters saved separately, in Hugging Face PEFT's layout, for serving on top of the base model:
 * {@code adapter_config.json} (peft_type LORA, r, lora_alpha, lora_dropout, target_modules) and
 * {@code adapter_model.safetensors} with {@code base_model.model.<module>.lora_A.weight} (r, in)
 * and {@code lora_B.weight} (out, r), plus {@value #HEALING_FILE} with the healing record.
 */
public final class PeftAdapter {

  public static final String CONFIG_FILE = "adapter_config.json";
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  public static final String HEALING_FILE = "shallows-healing.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A saved adapter read back: its config and factors by HF weight name. */
  public record Loaded(
      LoraConfig config, String baseModel, Map<String, LoraMerge.Factors> factors) {}

  private PeftAdapter() {}

  /** Writes the adapter directory atomically; {@code out} must not exist or be empty. */
  public static void write(
      Path out,
      LoraConfig config,
      String baseModel,
      Map<String, LoraMerge.Factors> factors,
      JsonNode healingRecord) {
    ObjectNode c = JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("base_model_name_or_path", baseModel);
    c.put("r", config.rank());
    c.put("lora_alpha", config.alpha());
    c.put("lora_dropout", config.dropout());
    c.putPOJO("target_modules", config.targetModules());
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    // not a PEFT key: records that the base was NF4 (QLoRA) when these adapters were trained
    c.put(
        "shallows_base_quantization", config.method() == LoraConfig.Method.QLORA ? "nf4" : "none");
    List<Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, LoraMerge.Factors> e : factors.entrySet()) {
      LoraMerge.Factors f = e.getValue();
      tensors.add(
          Tensor.ofFloats(
              LoraAdapters.peftName(e.getKey(), 'A'), new long[] {f.rank(), f.in()}, f.a()));
      tensors.add(
          Tensor.ofFloats(
              LoraAdapters.peftName(e.getKey(), 'B'), new long[] {f.out(), f.rank()}, f.b()));
    }
    try (AtomicDirectory dir = AtomicDirectory.create(out, false)) {
      SafetensorsWriter.write(dir.path().resolve(WEIGHTS_FILE), tensors);
      JSON.writeValue(dir.path().resolve(CONFIG_FILE).toFile(), c);
      if (healingRecord != null) {
        JSON.writeValue(dir.path().resolve(HEALING_FILE).toFile(), healingRecord);
      }
      dir.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write adapter " + out, e);
    }
  }

  /** Reads an adapter directory written by {@link #write} (or by PEFT, for LoRA on Llama). */
  public static Loaded read(Path dir) {
    try {
      JsonNode c = JSON.readTree(dir.resolve(CONFIG_FILE).toFile());
      if (!"LORA".equals(c.path("peft_type").asText())) {
        throw new IllegalArgumentException(dir + ": not a LoRA adapter (peft_type)");
      }
      List<String> targets = new ArrayList<>();
      c.path("target_modules").forEach(n -> targets.add(n.asText()));
      LoraConfig.Method method =
          "nf4".equals(c.path("shallows_base_quantization").asText())
              ? LoraConfig.Method.QLORA
              : LoraConfig.Method.LORA;
      int r = c.path("r").asInt();
      LoraConfig config =
          new LoraConfig(
              method,
              r,
              c.path("lora_alpha").asDouble(r),
              c.path("lora_dropout").asDouble(0),
              targets);
      Map<String, float[]> a = new LinkedHashMap<>();
      Map<String, float[]> b = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      try (NDManager m = NDManager.newBaseManager();
          InputStream in = Files.newInputStream(dir.resolve(WEIGHTS_FILE))) {
        for (NDArray t : NDList.decode(m, in)) {
          String n = t.getName();
          String prefix = "base_model.model.";
          if (!n.startsWith(prefix)
              || !(n.endsWith(".lora_A.weight") || n.endsWith(".lora_B.weight"))) {
            throw new IllegalArgumentException(dir + ": unexpected tensor " + n);
          }
          String weight =
              n.substring(prefix.length(), n.length() - ".lora_A.weight".length()) + ".weight";
          (n.endsWith(".lora_A.weight") ? a : b).put(weight, t.toFloatArray());
          shapes.put(n, t.getShape().getShape());
        }
      }
      Map<String, LoraMerge.Factors> factors = new LinkedHashMap<>();
      for (Map.Entry<String, float[]> e : a.entrySet()) {
        float[] bb = b.get(e.getKey());
        if (bb == null) {
          throw new IllegalArgumentException(dir + ": lora_B missing for " + e.getKey());
        }
        long[] sa = shapes.get(LoraAdapters.peftName(e.getKey(), 'A'));
        long[] sb = shapes.get(LoraAdapters.peftName(e.getKey(), 'B'));
        factors.put(
            e.getKey(), new LoraMerge.Factors(e.getValue(), bb, r, (int) sa[1], (int) sb[0]));
      }
      return new Loaded(config, c.path("base_model_name_or_path").asText(), factors);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read adapter " + dir + ": " + e.getMessage(), e);
    }
  }
}
