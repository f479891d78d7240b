package dev.shallows.server.health;

import dev.shallows.server.jobs.JobService;
import dev.shallows.server.model.ModelService;
import dev.shallows.server.model.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * Health checks: startup and readiness are UP once the model and the configured variants are loaded
 * (readiness reports them, with queue depths and running jobs); liveness is UP while every
 * variant's batcher still accepts work.
 */
public class ModelHealth {

  /** Readiness: the model is loaded and the startup pipeline is done. */
  @Readiness
  @ApplicationScoped
  public static class Ready implements HealthCheck {
    private final ModelService models;
    private final JobService jobs;

    public Ready(ModelService models, JobService jobs) {
      this.models = models;
      this.jobs = jobs;
    }

    @Override
    public HealthCheckResponse call() {
      HealthCheckResponseBuilder b = HealthCheckResponse.named("model");
      var r = models.registry();
      b.withData("model", r.name());
      b.withData("variants", String.join(",", r.variants().keySet()));
      int queued = 0;
      int active = 0;
      for (Variant v : r.variants().values()) {
        queued += v.batcher().queueDepth();
        active += v.batcher().activeSequences();
      }
      b.withData("queue_depth", queued);
      b.withData("active_sequences", active);
      b.withData("jobs_running", jobs.runningCount());
      if (models.startupError() != null) {
        b.withData("error", models.startupError());
      }
      return b.status(models.ready()).build();
    }
  }

  /** Startup: the same condition as readiness, so a slow weight load gets the startup budget. */
  @Startup
  @ApplicationScoped
  public static class Started implements HealthCheck {
    private final ModelService models;

    public Started(ModelService models) {
      this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("model-loaded")
          .status(models.ready() || models.startupError() != null)
          .build();
    }
  }

  /** Liveness: the full model's batcher is still registered (the process can serve). */
  @Liveness
  @ApplicationScoped
  public static class Alive implements HealthCheck {
    private final ModelService models;

    public Alive(ModelService models) {
      this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
      boolean up = models.registry() != null && models.registry().loaded().contains("full");
      return HealthCheckResponse.named("server").status(up).build();
    }
  }
}
