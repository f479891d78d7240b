package dev.shallows.pruning.world;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shallows.store.bpe.BpeTrainer;
import dev.shallows.store.bpe.TokenizerJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds everything the built-in model is trained and evaluated on, deterministically from a seed:
 * the world ({@code world.json}), the training corpus ({@code train/train.jsonl}: world documents
 * and natural text, shuffled together; the same documents unmixed in {@code parts/}), held-out
 * natural text ({@code heldout/natural.jsonl}), a byte-level BPE tokenizer trained on the corpus
 * ({@code tokenizer/}), the evaluation sets ({@code eval/}, see {@link EvalSets}) and a {@code
 * manifest.json} with the settings and sizes.
 *
 * @param seed the world's seed; the same seed and settings give the same bytes
 * @param people number of people in the world
 * @param corpus how many documents of each kind per person/fact
 * @param naturalChars characters of natural text to mix into the training corpus
 * @param heldoutChars characters of held-out natural text
 * @param vocabSize tokenizer vocabulary size (3 special tokens + 256 bytes + merges)
 * @param mcCount multiple-choice test questions
 * @param devCount multiple-choice dev (few-shot) questions
 * @param yesNoCount yes/no questions (half true)
 * @param corpusDir the shared corpus directory (gutenberg_en/, kjv*.txt)
 * @param warmupPeople when > 0, also write {@link #WARMUP_PART}: the world documents of only the
 *     first this-many people (same facts, same corpus settings, shuffled), for a first training
 *     stage that learns fact recall on a few people before the whole world
 */
public record WorldBuild(
    long seed,
    int people,
    WorldCorpus corpus,
    long naturalChars,
    long heldoutChars,
    int vocabSize,
    int mcCount,
    int devCount,
    int yesNoCount,
    Path corpusDir,
    int warmupPeople) {

  public static final String TRAIN = "train/train.jsonl";
  public static final String HELDOUT = "heldout/natural.jsonl";

  /** The two halves of the training mix, for trainers that weight sources themselves. */
  public static final String WORLD_PART = "parts/world.jsonl";

  public static final String NATURAL_PART = "parts/natural.jsonl";

  /** World documents about the first {@code warmupPeople} people only. */
  public static final String WARMUP_PART = "parts/world-warmup.jsonl";

  public WorldBuild {
    if (warmupPeople < 0 || warmupPeople > people) {
      throw new IllegalArgumentException("warm-up people must be in 0.." + people);
    }
  }

  public static final String TOKENIZER = "tokenizer";

  /** Writes all outputs into {@code out} (created if needed); reports steps to {@code log}. */
  public ObjectNode write(Path out, Consumer<String> sink) {
    long t0 = System.nanoTime();
    Consumer<String> log =
        line -> sink.accept(String.format("[%5.1fs] %s", (System.nanoTime() - t0) / 1e9, line));
    World world = World.generate(seed, people);
    Phrasebook book = new Phrasebook();
    List<String> worldDocs = corpus.documents(world, book);
    log.accept(world.people().size() + " people, " + worldDocs.size() + " world documents");
    NaturalText.Sample natural = NaturalText.sample(corpusDir, seed, naturalChars, heldoutChars);
    log.accept(
        natural.train().size() + " natural documents, " + natural.heldout().size() + " held out");
    List<String> train = new ArrayList<>(worldDocs);
    train.addAll(natural.train());
    Collections.shuffle(train, Seeds.random(seed, "mix"));
    EvalSets eval = EvalSets.generate(world, book, mcCount, devCount, yesNoCount);
    try {
      Files.createDirectories(out);
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      Files.writeString(out.resolve("world.json"), json.writeValueAsString(world.toJson()) + "\n");
      writeJsonl(out.resolve(TRAIN), train);
      writeJsonl(out.resolve(HELDOUT), natural.heldout());
      writeJsonl(out.resolve(WORLD_PART), worldDocs);
      writeJsonl(out.resolve(NATURAL_PART), natural.train());
      if (warmupPeople > 0) {
        writeJsonl(out.resolve(WARMUP_PART), warmupDocuments(world, book));
      }
      eval.write(out.resolve("eval"));
      BpeTrainer trainer = new BpeTrainer();
      train.forEach(trainer::add);
      log.accept("corpus and eval sets written; training the tokenizer");
      BpeTrainer.Vocabulary vocab = trainer.train(vocabSize - TokenizerJson.SPECIALS.size(), 2);
      TokenizerJson.write(vocab, out.resolve(TOKENIZER));
      log.accept("tokenizer: " + TokenizerJson.size(vocab) + " tokens");
      ObjectNode m = json.createObjectNode();
      m.put("seed", seed);
      m.put("people", people);
      m.put("facts", people * Attribute.values().length);
      ObjectNode c = m.putObject("corpus");
      c.put("bios_per_person", corpus.biosPerPerson());
      c.put("cards_per_person", corpus.cardsPerPerson());
      c.put("mc_per_fact", corpus.mcPerFact());
      c.put("yes_no_per_fact", corpus.yesNoPerFact());
      c.put("qa_per_fact", corpus.qaPerFact());
      c.put("in_context_per_fact", corpus.inContextPerFact());
      c.put("world_documents", worldDocs.size());
      c.put("warmup_people", warmupPeople);
      c.put("world_chars", chars(worldDocs));
      c.put("natural_documents", natural.train().size());
      c.put("natural_chars", chars(natural.train()));
      c.put("heldout_documents", natural.heldout().size());
      c.put("heldout_chars", chars(natural.heldout()));
      ObjectNode t = m.putObject("tokens");
      t.put("vocab_size", TokenizerJson.size(vocab));
      try (HuggingFaceTokenizer tok =
          HuggingFaceTokenizer.newInstance(
              out.resolve(TOKENIZER).resolve("tokenizer.json"),
              Map.of("truncation", "false", "padding", "false"))) {
        t.put("world", tokens(tok, worldDocs));
        t.put("natural", tokens(tok, natural.train()));
        t.put("heldout", tokens(tok, natural.heldout()));
      }
      ObjectNode e = m.putObject("eval");
      e.put("mc_test", mcCount);
      e.put("mc_dev", devCount);
      e.put("yes_no", yesNoCount);
      e.put("source_corpus", "shared/data/corpus (Gutenberg, KJV)");
      Files.writeString(out.resolve("manifest.json"), json.writeValueAsString(m) + "\n");
      log.accept("tokens: " + t);
      return m;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot write " + out + ": " + ex.getMessage(), ex);
    }
  }

  /** The corpus documents of the first {@link #warmupPeople} people, shuffled. */
  List<String> warmupDocuments(World world, Phrasebook book) {
    World few = new World(world.seed(), world.people().subList(0, warmupPeople), world.values());
    List<String> docs = new ArrayList<>(corpus.documents(few, book));
    Collections.shuffle(docs, Seeds.random(seed, "warmup-mix"));
    return docs;
  }

  private static long chars(List<String> docs) {
    return docs.stream().mapToLong(String::length).sum();
  }

  private static long tokens(HuggingFaceTokenizer tok, List<String> docs) {
    long n = 0;
    for (String d : docs) {
      n += tok.encode(d, false, false).getIds().length;
    }
    return n;
  }

  static void writeJsonl(Path file, List<String> docs) throws IOException {
    ObjectMapper json = new ObjectMapper();
    StringBuilder s = new StringBuilder();
    for (String d : docs) {
      ObjectNode o = json.createObjectNode();
      o.put("text", d);
      s.append(json.writeValueAsString(o)).append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, s, StandardCharsets.UTF_8);
  }
}
