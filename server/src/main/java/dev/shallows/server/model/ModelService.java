package dev.shallows.server.model;

import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.jobs.Job;
import dev.shallows.server.jobs.JobService;
import dev.shallows.server.metrics.ServingMetrics;
import dev.shallows.server.routing.Router;
import dev.shallows.server.routing.RoutingTable;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Owns the served model at runtime: opens it at startup, loads {@code full} and the configured
 * persisted variants, runs the configured startup prune/heal as a job, and holds the A/B router.
 * Readiness stays DOWN until all of that is done.
 */
@Startup
@ApplicationScoped
public class ModelService {

  private static final Logger LOG = Logger.getLogger(ModelService.class);

  private final ShallowsConfig config;
  private final JobService jobs;
  private final ServingMetrics metrics;
  private ModelRegistry registry;
  private Router router;
  private VariantBuilder builder;
  private volatile boolean ready;
  private volatile String startupError;

  public ModelService(ShallowsConfig config, JobService jobs, ServingMetrics metrics) {
    this.config = config;
    this.jobs = jobs;
    this.metrics = metrics;
  }

  @PostConstruct
  void init() {
    Path dir = resolveModelDir(config.model().dir());
    String name =
        "auto".equals(config.model().name()) ? dir.getFileName().toString() : config.model().name();
    Path variantsDir =
        "auto".equals(config.model().variantsDir())
            ? dir.resolve("variants")
            : Path.of(config.model().variantsDir());
    long t0 = System.nanoTime();
    LoadedModel model = LoadedModel.open(dir);
    registry = new ModelRegistry(name, model, variantsDir, config.batching(), config.model());
    registry.listen(metrics::variantAdded, metrics::variantRemoved);
    registry.loadFull();
    List<String> wanted = config.model().load();
    for (String v : registry.persisted()) {
      if (wanted.contains("all") || wanted.contains(v)) {
        registry.load(v);
      }
    }
    LOG.infof(
        "model %s from %s: %d layers, variants %s, tool-call parser %s, reasoning parser %s,"
            + " loaded in %d ms",
        name,
        dir,
        model.weights().config().numHiddenLayers(),
        registry.loaded(),
        registry.toolCallParser() == null ? "none" : registry.toolCallParser().name(),
        registry.reasoningParser() == null ? "none" : "think",
        (System.nanoTime() - t0) / 1_000_000);
    builder = new VariantBuilder(registry);
    router =
        new Router(name, RoutingTable.parse(config.routing().split(), config.routing().shadow()));
    startupPipeline();
  }

  /** Prunes (and heals) at startup when configured and the variant does not exist yet. */
  private void startupPipeline() {
    ShallowsConfig.Startup s = config.startup();
    if (!s.prune()) {
      ready = true;
      return;
    }
    Strategy strategy = Strategy.parse(s.strategy());
    String name = VariantBuilder.defaultName(strategy, s.n());
    boolean pruned = registry.loaded().contains(name);
    boolean healed = !s.heal() || registry.loaded().contains(name + "-healed");
    if (pruned && healed) {
      LOG.infof("startup: variant %s already persisted, not recomputed", name);
      ready = true;
      return;
    }
    if (pruned) {
      registry.delete(name); // re-run the pipeline to heal it
    }
    VariantBuilder.HealSpec heal =
        s.heal()
            ? new VariantBuilder.HealSpec(
                dev.shallows.pruning.heal.LoraConfig.Method.LORA,
                s.healSteps(),
                8,
                1e-3,
                4,
                Math.min(64, registry.contextLength()),
                null,
                0)
            : null;
    VariantBuilder.Spec spec =
        new VariantBuilder.Spec(
            strategy, s.n(), s.calibrationData().map(Path::of).orElse(null), 32, name, heal);
    Job job = jobs.submit("prune", j -> builder.run(spec, j));
    LOG.infof("startup: pruning job %s started for %s", job.id(), name);
    Thread waiter =
        new Thread(
            () -> {
              while (!job.state().terminal()) {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
              if (job.view().error() != null) {
                startupError = "startup prune failed: " + job.view().error();
                LOG.error(startupError);
              } else {
                ready = true;
              }
            },
            "shallows-startup-wait");
    waiter.setDaemon(true);
    waiter.start();
  }

  /**
   * The model directory: a path, or {@code builtin} = the one directory under {@code
   * model-store/models/} (looked up from the working directory and its parent) with a config.json.
   */
  static Path resolveModelDir(String setting) {
    if (!"builtin".equals(setting)) {
      Path p = Path.of(setting).toAbsolutePath().normalize();
      if (!Files.isRegularFile(p.resolve("config.json"))) {
        throw new IllegalStateException(
            "shallows.model.dir=" + setting + ": no config.json in " + p);
      }
      return p;
    }
    for (Path root :
        List.of(Path.of("model-store", "models"), Path.of("..", "model-store", "models"))) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> s = Files.list(root)) {
        List<Path> models =
            s.filter(p -> Files.isRegularFile(p.resolve("config.json"))).sorted().toList();
        if (!models.isEmpty()) {
          return models.get(0).toAbsolutePath().normalize();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return importStories260K();
  }

  /**
   * Until the repository ships its built-in model: the pretrained stories260K from the shared data
   * (llama2.c format), imported once into the cache directory ({@code SHALLOWS_CACHE_DIR}, default
   * {@code ~/.cache/shallows}).
   */
  private static Path importStories260K() {
    Path shared;
    try {
      shared = dev.shallows.store.SharedData.dir();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "no built-in model under model-store/models/ (run from the repository root), no shared"
              + " data to import stories260K from, and shallows.model.dir is not set",
          e);
    }
    String cache =
        System.getenv()
            .getOrDefault(
                "SHALLOWS_CACHE_DIR",
                Path.of(System.getProperty("user.home"), ".cache", "shallows").toString());
    Path out = Path.of(cache, "models", "stories260K");
    if (!Files.isRegularFile(out.resolve("config.json"))) {
      LOG.warnf("no built-in model yet: importing stories260K from %s into %s", shared, out);
      dev.shallows.store.llama2c.Llama2cImporter.importModel(
          shared.resolve("llama2c/stories260K.bin"),
          shared.resolve("llama2c/tok512.bin"),
          out,
          true);
    }
    return out;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public Router router() {
    return router;
  }

  public VariantBuilder builder() {
    return builder;
  }

  /** True once the configured variants are loaded and the startup pipeline finished. */
  public boolean ready() {
    return ready;
  }

  public String startupError() {
    return startupError;
  }

  @PreDestroy
  void close() {
    if (registry != null) {
      registry.close();
    }
  }
}
