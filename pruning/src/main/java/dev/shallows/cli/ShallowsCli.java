package dev.shallows.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ./shallows} command line: one subcommand per class in this package. Exit codes: 0
 * success, 2 bad arguments (picocli's usage errors), 1 failure while running.
 */
@Command(
    name = "shallows",
    mixinStandardHelpOptions = true,
    version = "shallows 0.1.0",
    description = "Serve, prune, heal and evaluate layer-pruned Llama-family models.",
    subcommands = {
      CommandLine.HelpCommand.class,
      GenerateCommand.class,
      WorldCommand.class,
      AnalyzeCommand.class,
      PruneCommand.class,
      EvalCommand.class,
      SweepCommand.class,
      BlockScanCommand.class,
      ImportLlama2cCommand.class,
      BenchCommand.class,
      DraftBenchCommand.class,
      HealCommand.class,
      PretrainCommand.class,
      LossPlotCommand.class,
      QuantizeCommand.class
    })
public final class ShallowsCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (used by tests). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new ShallowsCli());
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("error: " + ex.getMessage());
          if (System.getenv("SHALLOWS_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
          }
          return 1;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
