package dev.shallows.pruning.heal;

import java.util.List;
import java.util.Locale;

/**
 * How a model is healed with low-rank adapters: {@code y = x W^T + b + (alpha / r) * dropout(x) A^T
 * B^T}, with A (r, in) Kaiming-uniform and B (out, r) zero at the start (so training starts from
 * the unadapted model).
 *
 * @param method LoRA on F32 base weights, or QLoRA on NF4 base weights
 * @param rank r
 * @param alpha the scale numerator (the paper's default: alpha = r, i.e. scale 1)
 * @param dropout dropout on the adapter input during training (0.05 by default)
 * @param targetModules projection names that get adapters ({@code gate_proj}, {@code q_proj}...)
 */
public record LoraConfig(
    Method method, int rank, double alpha, double dropout, List<String> targetModules) {

  /** The paper's (Gromov et al.) choice: adapters on the MLP projections. */
  public static final List<String> DEFAULT_TARGETS = List.of("gate_proj", "up_proj", "down_proj");

  /** Every projection a Llama decoder layer has (QLoRA quantizes all of them). */
  public static final List<String> ALL_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** LoRA: trainable adapters over frozen F32 weights; QLoRA: over frozen NF4 weights. */
  public enum Method {
    LORA,
    QLORA;

    /** Parses {@code lora} / {@code qlora}. */
    public static Method parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("method must be lora or qlora, not '" + s + "'");
      }
    }

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public LoraConfig {
    targetModules = List.copyOf(targetModules);
    if (rank < 1) {
      throw new IllegalArgumentException("rank must be >= 1");
    }
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("alpha must be > 0");
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("dropout must be in [0, 1)");
    }
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException("at least one target module is needed");
    }
    for (String t : targetModules) {
      if (!ALL_PROJECTIONS.contains(t)) {
        throw new IllegalArgumentException(
            "unknown target module '" + t + "'; choose from " + ALL_PROJECTIONS);
      }
    }
  }

  /** The paper's defaults: rank r, alpha = r, dropout 0.05, gate/up/down projections. */
  public static LoraConfig defaults(Method method, int rank) {
    return new LoraConfig(method, rank, rank, 0.05, DEFAULT_TARGETS);
  }

  /** alpha / r, the factor on the adapter's output. */
  public double scale() {
    return alpha / rank;
  }

  /** Whether the layer with this HF weight name gets an adapter. */
  public boolean targets(String hfWeightName) {
    return targetModules.contains(moduleOf(hfWeightName));
  }

  /** {@code model.layers.3.mlp.gate_proj.weight} to {@code gate_proj}. */
  static String moduleOf(String hfWeightName) {
    String[] parts = hfWeightName.split("\\.");
    return parts.length >= 2 ? parts[parts.length - 2] : hfWeightName;
  }
}
