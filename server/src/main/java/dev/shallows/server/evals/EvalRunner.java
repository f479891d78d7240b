package dev.shallows.server.evals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.Decoder;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.data.CalibrationSet;
import dev.shallows.pruning.data.TextDocuments;
import dev.shallows.pruning.eval.AccuracyResult;
import dev.shallows.pruning.eval.ChoiceItem;
import dev.shallows.pruning.eval.Evaluation;
import dev.shallows.pruning.eval.LossEval;
import dev.shallows.pruning.eval.LossResult;
import dev.shallows.pruning.eval.MultipleChoiceEval;
import dev.shallows.pruning.eval.PairedComparison;
import dev.shallows.server.jobs.Job;
import dev.shallows.server.model.ModelRegistry;
import dev.shallows.server.model.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an eval job: every variant on the same items (each with its own decoder over the shared
 * weights, on the job thread, never the serving batchers), then accuracy with its 95% interval,
 * normalized loss, latency and tokens/s per variant, and for each variant against the first the
 * paired difference with McNemar's test.
 */
public final class EvalRunner {

  /** A validated eval: items (multiple choice) or none (loss only), loss documents, variants. */
  public record Plan(
      String task,
      String description,
      List<ChoiceItem> items,
      int shots,
      List<String> lossDocs,
      String lossDescription,
      List<String> variants) {}

  private final ModelRegistry registry;
  private final ObjectMapper json;

  public EvalRunner(ModelRegistry registry, ObjectMapper json) {
    this.registry = registry;
    this.json = json;
  }

  public ObjectNode run(Plan plan, Job job) {
    LoadedModel model = registry.model();
    int ctx = registry.contextLength();
    ObjectNode out = json.createObjectNode();
    out.put("task", plan.task());
    out.put("data", plan.description());
    ObjectNode per = out.putObject("variants");
    List<AccuracyResult> accs = new ArrayList<>();
    int units = plan.variants().size();
    for (int vi = 0; vi < plan.variants().size(); vi++) {
      Variant v = registry.get(plan.variants().get(vi));
      ObjectNode r = per.putObject(v.name());
      r.put("layers", v.layers().length);
      int base = vi;
      try (Decoder d = model.decoder(v.weights())) {
        if (plan.items() != null) {
          long t0 = System.nanoTime();
          AccuracyResult a =
              new MultipleChoiceEval(d, model.encoder(), ctx, Evaluation.scoring(plan.task()))
                  .run(
                      plan.task(),
                      plan.description(),
                      plan.items(),
                      plan.shots(),
                      (stage, done, total) ->
                          job.progress(
                              "eval " + v.name(), (base + 0.8 * done / Math.max(1, total)) / units),
                      job.cancellation());
          double secs = (System.nanoTime() - t0) / 1e9;
          accs.add(a);
          r.setAll(a.toJson(json, false));
          long tokens = promptTokens(model, plan);
          r.put("latency_ms_per_item", 1000 * secs / Math.max(1, a.n()));
          r.put("tokens_per_second", tokens / Math.max(1e-9, secs));
          r.put("seconds", secs);
        }
        long t1 = System.nanoTime();
        LossResult loss =
            new LossEval(d, model.encoder(), ctx)
                .run(
                    plan.lossDescription(),
                    plan.lossDocs(),
                    (stage, done, total) ->
                        job.progress(
                            "loss " + v.name(),
                            (base + 0.8 + 0.2 * done / Math.max(1, total)) / units),
                    job.cancellation());
        double ls = (System.nanoTime() - t1) / 1e9;
        ObjectNode l = loss.toJson(json);
        r.set("loss", l);
        r.put("normalized_loss", loss.normalizedLoss());
        r.put("loss_tokens_per_second", loss.tokens() / Math.max(1e-9, ls));
        if (plan.items() == null) {
          r.put("tokens_per_second", loss.tokens() / Math.max(1e-9, ls));
        }
      }
      job.progress("eval", (vi + 1.0) / units);
    }
    if (accs.size() > 1) {
      ArrayNode cmp = out.putArray("comparisons");
      for (int i = 1; i < accs.size(); i++) {
        ObjectNode c = PairedComparison.of(accs.get(0), accs.get(i)).toJson(json);
        c.put("a", plan.variants().get(0));
        c.put("b", plan.variants().get(i));
        cmp.add(c);
      }
    }
    return out;
  }

  /** Tokens the model reads for one variant's pass: every context + continuation. */
  private static long promptTokens(LoadedModel model, Plan plan) {
    long n = 0;
    for (ChoiceItem item : plan.items()) {
      int ctx =
          model
              .tokenizer()
              .encode(item.context(Math.min(plan.shots(), item.shots().size())), true)
              .length;
      for (String c : item.continuations()) {
        n += ctx + model.tokenizer().encode(c, false).length;
      }
    }
    return n;
  }

  /** The pruning library's built-in calibration text: the default held-out text for the loss. */
  static List<String> defaultLossDocs(int limit) {
    try (InputStream in =
        CalibrationSet.class.getResourceAsStream(CalibrationSet.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + CalibrationSet.DEFAULT_RESOURCE);
      }
      return TextDocuments.read(
          new java.io.ByteArrayInputStream(in.readAllBytes()),
          "calibration-default.txt",
          false,
          limit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
