package dev.shallows.cli;

import dev.shallows.store.LlamaConfig;
import dev.shallows.store.llama2c.Llama2cImporter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shallows import-llama2c}: converts a llama2.c checkpoint into an HF model directory. */
@Command(
    name = "import-llama2c",
    mixinStandardHelpOptions = true,
    description = {
      "Converts a llama2.c checkpoint (legacy export format, e.g. stories260K.bin) and its"
          + " tokenizer (e.g. tok512.bin) into a Hugging Face Llama directory: config.json,"
          + " generation_config.json, model.safetensors (F32, q/k rows permuted for HF's RoPE),"
          + " tokenizer.json (encodes exactly as llama2.c run.c) and tokenizer_config.json.",
      "The directory appears atomically; an existing non-empty --out is refused unless --force."
    })
public final class ImportLlama2cCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--checkpoint",
      required = true,
      paramLabel = "FILE",
      description = "llama2.c model file (.bin)")
  Path checkpoint;

  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "FILE",
      description = "llama2.c tokenizer file (tokenizer.bin, tok512.bin)")
  Path tokenizer;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "model directory")
  Path out;

  @Option(names = "--force", description = "replace --out if it exists and is not empty")
  boolean force;

  @Override
  public Integer call() {
    LlamaConfig c = Llama2cImporter.importModel(checkpoint, tokenizer, out, force);
    spec.commandLine()
        .getOut()
        .printf(
            "imported %s -> %s (%d layers, hidden %d, %d heads / %d kv heads, vocab %d, %s"
                + " embeddings, context %d)%n",
            checkpoint,
            out.toAbsolutePath().normalize(),
            c.numHiddenLayers(),
            c.hiddenSize(),
            c.numAttentionHeads(),
            c.numKeyValueHeads(),
            c.vocabSize(),
            c.tieWordEmbeddings() ? "tied" : "separate",
            c.maxPositionEmbeddings());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
