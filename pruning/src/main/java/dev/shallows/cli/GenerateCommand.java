package dev.shallows.cli;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.generate.BadParameterException;
import dev.shallows.engine.generate.Generation;
import dev.shallows.engine.generate.GenerationListener;
import dev.shallows.engine.generate.GenerationResult;
import dev.shallows.engine.generate.SamplingParams;
import dev.shallows.engine.generate.TokenEvent;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.store.TextTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shallows generate}: loads a model directory and prints the prompt followed by the
 * completion, streamed token by token to stdout (statistics go to stderr).
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate text with a model: prints the prompt followed by the completion.",
      "Temperature 0 is greedy decoding; --seed makes sampling reproducible."
    })
public final class GenerateCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin ModelOption model;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      defaultValue = "",
      description = "Text to continue (default: empty, i.e. start from BOS).")
  String prompt;

  @Option(
      names = "--max-tokens",
      paramLabel = "N",
      defaultValue = "256",
      description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "1.0",
      description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description = "Nucleus sampling mass in (0, 1] (default: ${DEFAULT-VALUE}, off).")
  double topP;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "Sample among the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "RNG seed: the same seed gives the same text (default: random).")
  Long seed;

  @Option(
      names = "--stop",
      paramLabel = "TEXT",
      description = "Stop string (repeatable); it is not printed.")
  List<String> stop = List.of();

  @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
  boolean ignoreEos;

  @Override
  public Integer call() {
    Path dir;
    try {
      dir = model.resolve();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--model: " + e.getMessage());
    }
    SamplingParams params = samplingParams();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (LoadedModel loaded = LoadedModel.open(dir);
        Decoder decoder = loaded.decoder()) {
      TextTokenizer tokenizer = loaded.tokenizer();
      int[] ids = tokenizer.encode(prompt, tokenizer.addsBosByDefault());
      if (ids.length == 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--prompt: empty prompt and the model has no BOS token");
      }
      Generation generation = new Generation(ids, params, tokenizer);
      try {
        generation.validateFor(decoder.config());
      } catch (BadParameterException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
      }
      out.print(prompt);
      out.flush();
      long t0 = System.nanoTime();
      GenerationResult r =
          generation.run(
              decoder,
              new GenerationListener() {
                @Override
                public void onToken(TokenEvent e) {
                  out.print(e.text());
                  out.flush();
                }
              });
      out.println();
      out.flush();
      double secs = (System.nanoTime() - t0) / 1e9;
      err.printf(
          Locale.ROOT,
          "[%d prompt tokens, %d generated in %.2f s (%.1f tokens/s), finish_reason=%s]%n",
          r.promptTokens(),
          r.completionTokens(),
          secs,
          r.completionTokens() / Math.max(secs, 1e-9),
          r.finishReason().wire());
      err.flush();
    }
    return 0;
  }

  /** The sampling parameters from the options; a bad value is a usage error naming its option. */
  private SamplingParams samplingParams() {
    try {
      return SamplingParams.builder()
          .temperature(temperature)
          .topP(topP)
          .topK(topK)
          .seed(seed)
          .maxTokens(maxTokens)
          .stop(stop)
          .ignoreEos(ignoreEos)
          .build();
    } catch (BadParameterException e) {
      String option = "--" + e.param().replace('_', '-');
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + e.getMessage().substring(e.param().length()));
    }
  }
}
