package dev.shallows.server.evals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.eval.ChoiceItem;
import dev.shallows.pruning.eval.EvalSpec;
import dev.shallows.pruning.eval.Evaluation;
import dev.shallows.server.admin.AllowedPaths;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.jobs.Job;
import dev.shallows.server.jobs.JobService;
import dev.shallows.server.jobs.JobView;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.ModelService;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Evaluations over HTTP: {@code POST /v1/evals} queues a job that evaluates variants on the same
 * items; {@code GET /v1/evals/{id}} shows progress and, when done, per-variant accuracy with 95%
 * intervals, normalized loss, latency and tokens/s, and paired McNemar comparisons.
 */
@Path("/v1/evals")
@Tag(name = "Evals")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class EvalResource {

  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final ModelService models;
  private final JobService jobs;
  private final ShallowsConfig config;
  private final ObjectMapper json;

  public EvalResource(
      ModelService models, JobService jobs, ShallowsConfig config, ObjectMapper json) {
    this.models = models;
    this.jobs = jobs;
    this.config = config;
    this.json = json;
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Queue an evaluation of variants; 202 + job")
  public Response create(EvalRequest req) {
    if (req == null) {
      throw ApiException.badRequest(null, "the request body must be a JSON object");
    }
    EvalRunner.Plan plan = plan(req);
    EvalRunner runner = new EvalRunner(models.registry(), json);
    Job job = jobs.submit("eval", j -> runner.run(plan, j));
    return Response.accepted(job.view()).header("Location", "/v1/evals/" + job.id()).build();
  }

  @GET
  @Operation(summary = "Eval jobs, newest first")
  public List<JobView> list() {
    return jobs.list("eval").stream().map(Job::view).toList();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "An eval job: progress, then per-variant results and comparisons")
  public JobView get(@PathParam("id") String id) {
    return evalJob(id).view();
  }

  @DELETE
  @Path("/{id}")
  @Operation(summary = "Cancel an eval job")
  public Response cancel(@PathParam("id") String id) {
    evalJob(id);
    return Response.accepted(jobs.cancel(id).view()).build();
  }

  private Job evalJob(String id) {
    Job j = jobs.get(id);
    if (!"eval".equals(j.kind())) {
      throw ApiException.notFound("eval '" + id + "'");
    }
    return j;
  }

  private EvalRunner.Plan plan(EvalRequest r) {
    ModelRegistry reg = models.registry();
    int limit = r.limit == null ? 0 : r.limit;
    if (limit < 0) {
      throw ApiException.badRequest("limit", "limit must be >= 0");
    }
    int shots = r.shots == null ? 0 : r.shots;
    if (shots < 0 || shots > 25) {
      throw ApiException.badRequest("shots", "shots must be in [0, 25]");
    }
    List<String> variants =
        r.variants == null || r.variants.isEmpty()
            ? new ArrayList<>(reg.variants().keySet())
            : r.variants;
    for (int i = 0; i < variants.size(); i++) {
      if (!reg.loaded().contains(variants.get(i))) {
        throw ApiException.badRequest(
            "variants[" + i + "]", "variant '" + variants.get(i) + "' is not loaded");
      }
    }
    int sources =
        (r.dataset != null ? 1 : 0) + (r.path != null ? 1 : 0) + (r.items != null ? 1 : 0);
    if (sources != 1) {
      throw ApiException.badRequest("dataset", "give exactly one of dataset, path and items");
    }
    String task =
        r.task == null ? (r.items != null ? "mmlu" : null) : r.task.toLowerCase(Locale.ROOT);
    if (task == null || !List.of(EvalSpec.TASKS).contains(task)) {
      throw ApiException.badRequest(
          "task", "task must be one of " + String.join(", ", EvalSpec.TASKS));
    }
    List<String> lossDocs;
    String lossDesc;
    if (r.lossPath != null) {
      java.nio.file.Path lp = AllowedPaths.check(config, r.lossPath, "loss_path");
      lossDocs = TextDocuments.read(lp, limit > 0 ? limit : 50);
      lossDesc = lp.toString();
    } else {
      lossDocs = EvalRunner.defaultLossDocs(limit > 0 ? limit : 50);
      lossDesc = "built-in calibration text";
    }
    if (r.items != null) {
      if (!task.equals("mmlu")) {
        throw ApiException.badRequest("task", "inline items are multiple choice: use task mmlu");
      }
      return new EvalRunner.Plan(
          task,
          "inline (" + r.items.size() + " items)",
          inline(r.items, limit),
          0,
          lossDocs,
          lossDesc,
          variants);
    }
    java.nio.file.Path data;
    if (r.dataset != null) {
      ModelRegistry.checkName(r.dataset);
      data = reg.model().directory().resolve("eval").resolve(r.dataset);
      if (!Files.exists(data)) {
        throw ApiException.badRequest(
            "dataset", "no built-in dataset '" + r.dataset + "' in " + data.getParent());
      }
    } else {
      data = AllowedPaths.check(config, r.path, "path");
    }
    if (task.equals("loss")) {
      List<String> docs = TextDocuments.read(data, limit);
      return new EvalRunner.Plan(task, data.toString(), null, 0, docs, data.toString(), variants);
    }
    EvalSpec spec = new EvalSpec(task, data, shots, limit, reg.contextLength());
    List<ChoiceItem> items;
    try {
      items = Evaluation.items(spec);
    } catch (RuntimeException e) {
      throw ApiException.badRequest(
          r.dataset != null ? "dataset" : "path", "cannot read the dataset: " + e.getMessage());
    }
    if (items.isEmpty()) {
      throw ApiException.badRequest(
          r.dataset != null ? "dataset" : "path", "the dataset has no items");
    }
    return new EvalRunner.Plan(task, spec.describe(), items, shots, lossDocs, lossDesc, variants);
  }

  /**
   * Inline items in MMLU's prompt format: question, lettered choices, "Answer:", scored on " X".
   */
  private static List<ChoiceItem> inline(List<EvalRequest.InlineItem> in, int limit) {
    if (in.isEmpty()) {
      throw ApiException.badRequest("items", "items must not be empty");
    }
    List<ChoiceItem> out = new ArrayList<>();
    for (int i = 0; i < in.size() && (limit <= 0 || i < limit); i++) {
      EvalRequest.InlineItem it = in.get(i);
      String at = "items[" + i + "]";
      if (it == null || it.question == null || it.question.isBlank()) {
        throw ApiException.badRequest(at + ".question", "question is required");
      }
      if (it.choices == null || it.choices.size() < 2 || it.choices.size() > 26) {
        throw ApiException.badRequest(at + ".choices", "2 to 26 choices are required");
      }
      if (it.answer == null || it.answer < 0 || it.answer >= it.choices.size()) {
        throw ApiException.badRequest(at + ".answer", "answer must index a choice");
      }
      StringBuilder q = new StringBuilder(it.question.trim());
      List<String> conts = new ArrayList<>();
      for (int c = 0; c < it.choices.size(); c++) {
        q.append('\n').append(LETTERS.charAt(c)).append(". ").append(it.choices.get(c));
        conts.add(" " + LETTERS.charAt(c));
      }
      q.append("\nAnswer:");
      out.add(new ChoiceItem("inline:" + i, "", List.of(), q.toString(), conts, it.answer));
    }
    return out;
  }
}
