package dev.shallows.cli;

import dev.shallows.pruning.world.WorldBuild;
import dev.shallows.pruning.world.WorldCorpus;
import dev.shallows.store.SharedData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shallows world}: writes the built-in model's corpus, tokenizer and eval sets. */
@Command(
    name = "world",
    mixinStandardHelpOptions = true,
    description = {
      "Generate the synthetic knowledge world from a seed and write, under --out: world.json,"
          + " train/train.jsonl (world documents mixed with natural text from the shared corpus),"
          + " heldout/natural.jsonl, tokenizer/tokenizer.json (byte-level BPE trained on the"
          + " corpus), eval/mmlu/{dev,test}/world_knowledge_*.csv, eval/boolq/val.jsonl"
          + " and manifest.json.",
      "The same seed and options always give the same bytes."
    })
public final class WorldCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "World seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--people",
      defaultValue = "100",
      description = "People in the world (default: ${DEFAULT-VALUE}).")
  int people;

  @Option(
      names = "--bios",
      defaultValue = "10",
      description = "Prose biographies per person (default: ${DEFAULT-VALUE}).")
  int bios;

  @Option(
      names = "--cards",
      defaultValue = "2",
      description = "Fact cards per person (default: ${DEFAULT-VALUE}).")
  int cards;

  @Option(
      names = "--mc-per-fact",
      defaultValue = "2",
      description = "Training multiple-choice questions per fact (default: ${DEFAULT-VALUE}).")
  int mcPerFact;

  @Option(
      names = "--yesno-per-fact",
      defaultValue = "2",
      description = "Training yes/no questions per fact (default: ${DEFAULT-VALUE}).")
  int yesNoPerFact;

  @Option(
      names = "--qa-per-fact",
      defaultValue = "0",
      description =
          "Training open questions per fact, answered with the value (default: ${DEFAULT-VALUE}).")
  int qaPerFact;

  @Option(
      names = "--in-context-per-fact",
      defaultValue = "0",
      description =
          "Training multiple-choice and yes/no questions per fact with the answer stated just"
              + " before them, to teach the formats apart from recall (default: ${DEFAULT-VALUE}).")
  int inContextPerFact;

  @Option(
      names = "--natural-chars",
      defaultValue = "400000",
      description = "Characters of natural text in the training mix (default: ${DEFAULT-VALUE}).")
  long naturalChars;

  @Option(
      names = "--heldout-chars",
      defaultValue = "200000",
      description = "Characters of held-out natural text (default: ${DEFAULT-VALUE}).")
  long heldoutChars;

  @Option(
      names = "--vocab",
      defaultValue = "4096",
      description = "Tokenizer vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(
      names = "--mc",
      defaultValue = "500",
      description = "Multiple-choice test questions (default: ${DEFAULT-VALUE}).")
  int mc;

  @Option(
      names = "--dev",
      defaultValue = "5",
      description = "Multiple-choice dev (few-shot) questions (default: ${DEFAULT-VALUE}).")
  int dev;

  @Option(
      names = "--yesno",
      defaultValue = "500",
      description = "Yes/no questions, half true (default: ${DEFAULT-VALUE}).")
  int yesNo;

  @Option(
      names = "--warmup-people",
      defaultValue = "0",
      description =
          "Also write parts/world-warmup.jsonl: the world documents of only the first N people,"
              + " for a first training stage (default: ${DEFAULT-VALUE}, none).")
  int warmupPeople;

  @Option(
      names = "--corpus",
      description = "Natural-text corpus directory (default: shared/data/corpus).")
  Path corpusDir;

  @Override
  public Integer call() {
    if (people < 4 || vocab < 260 || mc < 0 || dev < 0 || yesNo < 0 || naturalChars < 0) {
      throw new IllegalArgumentException(
          "need --people >= 4, --vocab >= 260 and non-negative counts");
    }
    Path corpus = corpusDir != null ? corpusDir : SharedData.resolve("corpus");
    WorldBuild build =
        new WorldBuild(
            seed,
            people,
            new WorldCorpus(bios, cards, mcPerFact, yesNoPerFact, qaPerFact, inContextPerFact),
            naturalChars,
            heldoutChars,
            vocab,
            mc,
            dev,
            yesNo,
            corpus,
            warmupPeople);
    build.write(out, line -> System.err.println("world: " + line));
    System.out.println(out.toAbsolutePath().normalize());
    return 0;
  }
}
