package dev.shallows.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.pruning.analysis.Strategy;
import dev.shallows.pruning.heal.LoraConfig;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.jobs.Job;
import dev.shallows.server.jobs.JobService;
import dev.shallows.server.jobs.JobView;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.ModelService;
import dev.shallows.server.model.Variant;
import dev.shallows.server.model.VariantBuilder;
import dev.shallows.server.routing.RoutingTable;
import dev.shallows.store.VariantManifest;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin API (bearer {@code shallows.admin.api-key}): prune jobs, variants, routing. */
@Path("/admin")
@Tag(name = "Admin")
@SecurityRequirement(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class AdminResource {

  private final ModelService models;
  private final JobService jobs;
  private final ShallowsConfig config;
  private final ObjectMapper json;

  public AdminResource(
      ModelService models, JobService jobs, ShallowsConfig config, ObjectMapper json) {
    this.models = models;
    this.jobs = jobs;
    this.config = config;
    this.json = json;
  }

  @POST
  @Path("/prune")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Prune (and optionally heal) a new variant as an async job; 202 + job")
  public Response prune(PruneRequest req) {
    if (req == null) {
      throw ApiException.badRequest(null, "the request body must be a JSON object");
    }
    VariantBuilder.Spec spec = spec(req);
    models.builder().checkFree(spec.name());
    if (spec.heal() != null) {
      models.builder().checkFree(spec.name() + "-healed");
    }
    Job job = jobs.submit("prune", j -> models.builder().run(spec, j));
    return Response.accepted(job.view()).header("Location", "/admin/jobs/" + job.id()).build();
  }

  private VariantBuilder.Spec spec(PruneRequest r) {
    Strategy s;
    try {
      s = r.strategy == null ? Strategy.ANGULAR : Strategy.parse(r.strategy);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("strategy", e.getMessage());
    }
    int layers = models.registry().model().weights().config().numHiddenLayers();
    if ((r.n == null) == (r.fraction == null)) {
      throw ApiException.badRequest("n", "give exactly one of n and fraction");
    }
    int n;
    if (r.n != null) {
      n = r.n;
    } else {
      if (!(r.fraction > 0 && r.fraction < 1)) {
        throw ApiException.badRequest("fraction", "fraction must be in (0, 1)");
      }
      n = dev.shallows.pruning.analysis.PruningPlan.layersForFraction(r.fraction, layers);
    }
    if (n < 1 || n > layers - 1) {
      throw ApiException.badRequest(
          r.n != null ? "n" : "fraction", "must remove 1.." + (layers - 1) + " layers, got " + n);
    }
    int samples = r.calibrationSamples == null ? 32 : r.calibrationSamples;
    if (samples < 1 || samples > 10_000) {
      throw ApiException.badRequest("calibration_samples", "must be in [1, 10000]");
    }
    java.nio.file.Path cal =
        r.calibrationData == null
            ? null
            : AllowedPaths.check(config, r.calibrationData, "calibration_data");
    String name = r.name == null ? VariantBuilder.defaultName(s, n) : r.name;
    ModelRegistry.checkName(name);
    VariantBuilder.HealSpec heal = null;
    if (r.heal != null) {
      PruneRequest.Heal h = r.heal;
      LoraConfig.Method m;
      try {
        m = h.method == null ? LoraConfig.Method.LORA : LoraConfig.Method.parse(h.method);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("heal.method", e.getMessage());
      }
      int steps = h.steps == null ? 20 : h.steps;
      int rank = h.rank == null ? 8 : h.rank;
      double lr = h.lr == null ? 1e-3 : h.lr;
      int batch = h.batchSize == null ? 4 : h.batchSize;
      int seq = h.seqLen == null ? Math.min(64, models.registry().contextLength()) : h.seqLen;
      if (steps < 1 || steps > 100_000) {
        throw ApiException.badRequest("heal.steps", "must be in [1, 100000]");
      }
      if (rank < 1 || rank > 1024) {
        throw ApiException.badRequest("heal.rank", "must be in [1, 1024]");
      }
      if (!(lr > 0 && lr < 1)) {
        throw ApiException.badRequest("heal.lr", "must be in (0, 1)");
      }
      if (batch < 1 || batch > 256) {
        throw ApiException.badRequest("heal.batch_size", "must be in [1, 256]");
      }
      if (seq < 2 || seq > models.registry().contextLength()) {
        throw ApiException.badRequest(
            "heal.seq_len", "must be in [2, " + models.registry().contextLength() + "]");
      }
      java.nio.file.Path data =
          h.data == null ? cal : AllowedPaths.check(config, h.data, "heal.data");
      heal =
          new VariantBuilder.HealSpec(
              m, steps, rank, lr, batch, seq, data, h.seed == null ? 0 : h.seed);
    }
    return new VariantBuilder.Spec(s, n, cal, samples, name, heal);
  }

  @GET
  @Path("/jobs")
  @Operation(summary = "Jobs, newest first")
  public List<JobView> jobs(@QueryParam("kind") String kind) {
    return jobs.list(kind).stream().map(Job::view).toList();
  }

  @GET
  @Path("/jobs/{id}")
  @Operation(summary = "A job: state, progress, loss so far, ETA, result")
  public JobView job(@PathParam("id") String id) {
    return jobs.get(id).view();
  }

  @GET
  @Path("/jobs/{id}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(summary = "Job progress as server-sent events until the job ends")
  public Response jobEvents(@PathParam("id") String id) {
    return JobEvents.response(jobs.get(id), json);
  }

  @DELETE
  @Path("/jobs/{id}")
  @Operation(summary = "Cancel a job (it stops at its next check)")
  public Response cancel(@PathParam("id") String id) {
    return Response.accepted(jobs.cancel(id).view()).build();
  }

  @GET
  @Path("/variants")
  @Operation(summary = "Loaded and persisted variants with their manifests")
  public List<Map<String, Object>> variants() {
    ModelRegistry r = models.registry();
    List<Map<String, Object>> out = new ArrayList<>();
    java.util.Set<String> names = new java.util.TreeSet<>(r.loaded());
    names.addAll(r.persisted());
    for (String name : names) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("loaded", r.loaded().contains(name));
      if (r.loaded().contains(name)) {
        Variant v = r.get(name);
        m.put("layers", v.layers());
        m.put("shares_parent_weights", v.sharesParentWeights());
        m.put("queue_depth", v.batcher().queueDepth());
        m.put("active_sequences", v.batcher().activeSequences());
      }
      if (!ModelRegistry.FULL.equals(name) && VariantManifest.exists(r.variantDir(name))) {
        m.put("manifest", VariantManifest.read(r.variantDir(name)));
      }
      out.add(m);
    }
    return out;
  }

  @POST
  @Path("/variants/{v}/load")
  @Operation(summary = "Load a persisted variant (replaces a loaded one of that name)")
  public Map<String, Object> load(@PathParam("v") String v) {
    Variant x = models.registry().load(v);
    return Map.of("variant", x.name(), "loaded", true, "layers", x.layers());
  }

  @POST
  @Path("/variants/{v}/unload")
  @Operation(summary = "Stop serving a variant; its files stay")
  public Map<String, Object> unload(@PathParam("v") String v) {
    ModelRegistry.checkName(v);
    models.registry().unload(v);
    return Map.of("variant", v, "loaded", false);
  }

  @DELETE
  @Path("/variants/{v}")
  @Operation(summary = "Unload a variant and delete its files")
  public Map<String, Object> delete(@PathParam("v") String v) {
    models.registry().delete(v);
    return Map.of("variant", v, "deleted", true);
  }

  @GET
  @Path("/routing")
  @Operation(summary = "The current A/B split and shadow")
  public Map<String, Object> routing() {
    RoutingTable t = models.router().table();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("split", t.weights());
    m.put("shadow", t.shadow().orElse(null));
    return m;
  }

  @PUT
  @Path("/routing")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Replace the split (and shadow); effective at once, without restart")
  public Map<String, Object> setRouting(RoutingUpdate u) {
    if (u == null || u.split == null) {
      throw ApiException.badRequest("split", "split is required");
    }
    RoutingTable t =
        new RoutingTable(u.split, Optional.ofNullable(u.shadow).filter(s -> !s.isBlank()));
    models.router().update(t, models.registry().loaded());
    return routing();
  }
}
