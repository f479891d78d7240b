package dev.shallows.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.engine.Decoder;
import dev.shallows.pruning.Cancellation;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.pruning.eval.AccuracyResult;
import dev.shallows.pruning.eval.EvalResult;
import dev.shallows.pruning.eval.EvalSpec;
import dev.shallows.pruning.eval.Evaluation;
import dev.shallows.pruning.eval.PairedComparison;
import dev.shallows.store.SharedData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows eval}: accuracy or normalized loss of one model, optionally against another. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates a model: mmlu, boolq and arc by the log-likelihood of each answer (MMLU's"
          + " original prompt format, k-shot from the dev split), mmlu-cloze = the same MMLU"
          + " questions without letters, the four answer texts scored per byte (for small models),"
          + " loss = mean next-token loss /"
          + " ln(vocab size) on held-out text. Reports n and a 95%% interval (Wilson for accuracy).",
      "With --compare DIR, evaluates a second model on the same items and reports the paired"
          + " difference and McNemar's test.",
      "Default --data: the model's own knowledge sets when it ships them (eval/mmlu,"
          + " eval/boolq/val.jsonl in the model directory, as the built-in model does), else from"
          + " the shared data directory: mmlu, mmlu-cloze = mmlu/, boolq = eval/boolq/val.jsonl, arc ="
          + " eval/arc/ARC-Easy-Test.jsonl, loss = eval/c4/c4_validation_2k.jsonl."
    })
public final class EvalCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;
  @Mixin ModelOption model;

  @Option(names = "--task", required = true, description = "mmlu | mmlu-cloze | boolq | arc | loss")
  String task;

  @Option(names = "--data", paramLabel = "PATH", description = "data file or directory")
  Path data;

  @Option(names = "--shots", description = "examples in the prompt (default: 5 for mmlu, else 0)")
  Integer shots;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description = "most questions (or documents for loss); 0 = all")
  int limit;

  @Option(
      names = "--max-tokens",
      defaultValue = "1024",
      description =
          "longest prompt / loss window in tokens, capped at the model's context"
              + " (default ${DEFAULT-VALUE})")
  int maxTokens;

  @Option(names = "--json", description = "print the result as JSON")
  boolean json;

  @Option(names = "--items", description = "with --json: include every item's outcome")
  boolean items;

  @Option(
      names = "--compare",
      paramLabel = "DIR",
      description = "a second model evaluated on the same items (paired difference, McNemar)")
  Path compare;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    int k = shots != null ? shots : task.toLowerCase(Locale.ROOT).startsWith("mmlu") ? 5 : 0;
    Path dir = model.resolve();
    EvalSpec es =
        new EvalSpec(task, data != null ? data : defaultData(task, dir), k, limit, maxTokens);
    EvalResult a = evaluate(dir, es);
    ObjectNode out = resultJson(a, dir);
    if (compare != null) {
      EvalResult b = evaluate(compare, es);
      ObjectNode both = JSON.createObjectNode();
      both.set("a", out);
      both.set("b", resultJson(b, compare));
      if (a instanceof AccuracyResult ra && b instanceof AccuracyResult rb) {
        both.set("paired", PairedComparison.of(ra, rb).toJson(JSON));
      } else {
        both.put("difference", b.value() - a.value());
      }
      out = both;
    }
    if (json) {
      o.println(out.toPrettyString());
    } else {
      o.print(human(out));
    }
    o.flush();
    return 0;
  }

  private EvalResult evaluate(Path dir, EvalSpec es) {
    ProgressBar bar = new ProgressBar(System.err);
    try (LoadedModel m = LoadedModel.open(dir);
        Decoder decoder = m.decoder()) {
      EvalResult r = Evaluation.run(decoder, m.encoder(), es, bar, Cancellation.none());
      bar.finishLine();
      return r;
    }
  }

  private ObjectNode resultJson(EvalResult r, Path dir) {
    ObjectNode j =
        r instanceof AccuracyResult acc && items ? acc.toJson(JSON, true) : r.toJson(JSON);
    j.put("model", dir.toAbsolutePath().normalize().toString());
    return j;
  }

  /**
   * The default data of a task for a model: the model's own knowledge set when it ships one ({@code
   * eval/mmlu}, {@code eval/boolq} beside its weights, as the built-in model does), else the public
   * set in the shared data directory.
   */
  static Path defaultData(String task, Path modelDir) {
    String t = task.toLowerCase(Locale.ROOT);
    if (t.startsWith("mmlu") && Files.isDirectory(modelDir.resolve("eval/mmlu"))) {
      return modelDir.resolve("eval/mmlu");
    }
    if (t.equals("boolq") && Files.isRegularFile(modelDir.resolve("eval/boolq/val.jsonl"))) {
      return modelDir.resolve("eval/boolq/val.jsonl");
    }
    return defaultData(t);
  }

  static Path defaultData(String task) {
    return switch (task.toLowerCase(Locale.ROOT)) {
      case "mmlu", "mmlu-cloze" -> SharedData.resolve("mmlu");
      case "boolq" -> SharedData.resolve("eval/boolq/val.jsonl");
      case "arc" -> SharedData.resolve("eval/arc/ARC-Easy-Test.jsonl");
      case "loss" -> SharedData.resolve("eval/c4/c4_validation_2k.jsonl");
      default ->
          throw new IllegalArgumentException(
              "unknown task '" + task + "' (expected " + String.join(", ", EvalSpec.TASKS) + ")");
    };
  }

  private static String human(ObjectNode j) {
    if (j.has("a")) {
      StringBuilder sb = new StringBuilder();
      sb.append("A: ").append(human((ObjectNode) j.get("a")));
      sb.append("B: ").append(human((ObjectNode) j.get("b")));
      if (j.has("paired")) {
        var p = j.get("paired");
        sb.append(
            String.format(
                Locale.ROOT,
                "B - A = %+.4f, 95%% CI [%+.4f, %+.4f]; McNemar b=%d c=%d, exact p=%.4g,"
                    + " chi2(cc)=%.3f p=%.4g%n",
                p.get("difference").asDouble(),
                p.get("difference_ci95_low").asDouble(),
                p.get("difference_ci95_high").asDouble(),
                p.get("only_a_correct").asInt(),
                p.get("only_b_correct").asInt(),
                p.get("mcnemar_exact_p").asDouble(),
                p.get("mcnemar_chi2_cc").asDouble(),
                p.get("mcnemar_cc_p").asDouble()));
      } else {
        sb.append(String.format(Locale.ROOT, "B - A = %+.4f%n", j.get("difference").asDouble()));
      }
      return sb.toString();
    }
    if (j.has("normalized_loss")) {
      return String.format(
          Locale.ROOT,
          "%s: normalized loss %.4f (95%% CI %.4f-%.4f), %.4f nats/token over %d tokens; %s%n",
          j.get("model").asText(),
          j.get("normalized_loss").asDouble(),
          j.get("ci95_low").asDouble(),
          j.get("ci95_high").asDouble(),
          j.get("mean_loss_nats").asDouble(),
          j.get("n").asLong(),
          j.get("data").asText());
    }
    return String.format(
        Locale.ROOT,
        "%s: %s accuracy %.4f (%d/%d, 95%% CI %.4f-%.4f); %s%n",
        j.get("model").asText(),
        j.get("task").asText(),
        j.get("accuracy").asDouble(),
        j.get("correct").asInt(),
        j.get("n").asInt(),
        j.get("ci95_low").asDouble(),
        j.get("ci95_high").asDouble(),
        j.get("data").asText());
  }
}
