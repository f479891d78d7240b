package dev.shallows.server.model;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.djl.ComputeSettings;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.DistanceTable;
import dev.shallows.pruning.analysis.LayerAnalysis;
import dev.shallows.pruning.analysis.PruningPlan;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.heal.Healer;
import dev.shallows.pruning.heal.LoraConfig;
import dev.shallows.pruning.surgery.VariantWriter;
import dev.shallows.pruning.train.TrainerConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.jobs.Job;
import dev.shallows.store.VariantManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prune (+ heal) pipeline as a job: analysis on calibration text, the plan, surgery into the
 * variants directory (atomic), optional LoRA healing into {@code <name>-healed}, then each new
 * variant is loaded into the registry, which makes it appear atomically while traffic goes on.
 */
public final class VariantBuilder {

  /** A validated prune job. */
  public record Spec(
      Strategy strategy,
      int n,
      Path calibrationData,
      int calibrationSamples,
      String name,
      HealSpec heal) {}

  /** Validated healing settings. */
  public record HealSpec(
      LoraConfig.Method method,
      int steps,
      int rank,
      double lr,
      int batchSize,
      int seqLen,
      Path data,
      long seed) {}

  private final ModelRegistry registry;

  public VariantBuilder(ModelRegistry registry) {
    this.registry = registry;
  }

  /** The default variant name for a prune. */
  public static String defaultName(Strategy s, int n) {
    return "pruned-" + n + (s == Strategy.ANGULAR ? "" : "-" + s.cliName());
  }

  /** Runs the pipeline on the job's thread; returns a summary for the job result. */
  public Map<String, Object> run(Spec spec, Job job) {
    LoadedModel model = registry.model();
    Map<String, Object> out = new LinkedHashMap<>();
    DistanceTable table = null;
    String calibration = null;
    if (spec.strategy().needsData()) {
      CalibrationSet cal = calibration(spec, model);
      calibration = cal.description();
      job.progress("analyze", 0.0);
      try (Decoder decoder = model.decoder(model.weights())) {
        table =
            LayerAnalysis.run(
                decoder,
                cal,
                (stage, done, total) -> job.progress("analyze", total > 0 ? 0.4 * done / total : 0),
                job.cancellation());
      }
    }
    job.cancellation().check();
    PruningPlan plan =
        PruningPlan.of(spec.strategy(), model.weights().originalLayerIndices(), spec.n(), table);
    job.progress("surgery", spec.heal() == null ? 0.6 : 0.45);
    Path dir = registry.variantDir(spec.name());
    VariantManifest m =
        VariantWriter.write(
            model.directory(),
            plan,
            table,
            calibration,
            dir,
            (stage, done, total) -> {},
            job.cancellation());
    registry.load(spec.name());
    out.put("variant", spec.name());
    out.put("removed_layers", m.removedLayers());
    out.put("kept_layers", m.keptLayers());
    if (m.blockDistance() != null && !m.blockDistance().isNaN()) {
      out.put("block_distance", m.blockDistance());
    }
    out.put("plan", plan.describe());
    if (spec.heal() != null) {
      heal(spec, dir, job, out);
    }
    return out;
  }

  private void heal(Spec spec, Path prunedDir, Job job, Map<String, Object> out) {
    HealSpec h = spec.heal();
    String healedName = spec.name() + "-healed";
    Path healedDir = registry.variantDir(healedName);
    Path data = h.data() != null ? h.data() : writeDefaultText();
    TrainerConfig tc =
        new TrainerConfig(
            h.steps(),
            h.batchSize(),
            h.seqLen(),
            h.lr(),
            h.lr() / 10,
            Math.min(2, h.steps()),
            0.0,
            1.0,
            h.seed(),
            null,
            0);
    Healer.Options o =
        new Healer.Options(
            LoraConfig.defaults(h.method(), h.rank()), tc, false, false, ComputeSettings.cpu());
    Healer.Result r =
        Healer.heal(
            prunedDir,
            data,
            o,
            healedDir,
            e -> {
              job.metric("loss", e.loss());
              job.metric("step", e.step());
              job.progress("heal", 0.5 + 0.45 * e.step() / e.totalSteps());
            },
            job.cancellation());
    job.cancellation().check();
    if (r.output() == null) {
      throw new java.util.concurrent.CancellationException("healing cancelled");
    }
    registry.load(healedName);
    out.put("healed_variant", healedName);
    out.put("loss_first", r.training().meanFirst(3));
    out.put("loss_last", r.training().meanLast(3));
  }

  private static CalibrationSet calibration(Spec spec, LoadedModel model) {
    int maxTokens = Math.min(128, model.weights().config().maxPositionEmbeddings());
    if (spec.calibrationData() != null) {
      return CalibrationSet.fromPath(
          spec.calibrationData(), model.encoder(), maxTokens, spec.calibrationSamples());
    }
    return CalibrationSet.builtIn(model.encoder(), maxTokens, spec.calibrationSamples());
  }

  /** The pruning library's built-in calibration text as a file (healing reads files). */
  private static Path writeDefaultText() {
    try (InputStream in =
        CalibrationSet.class.getResourceAsStream(CalibrationSet.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + CalibrationSet.DEFAULT_RESOURCE);
      }
      Path f = Files.createTempFile("shallows-heal-", ".txt");
      Files.write(f, in.readAllBytes());
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checks that a new variant's name is free (before queuing the job). */
  public void checkFree(String name) {
    if (registry.loaded().contains(name) || Files.exists(registry.variantDir(name))) {
      throw ApiException.conflict(
          "name",
          "variant '" + name + "' already exists; DELETE /admin/variants/" + name + " first");
    }
  }

  static String layers(int[] a) {
    return Arrays.toString(a);
  }
}
