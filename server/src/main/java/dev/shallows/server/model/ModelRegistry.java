package dev.shallows.server.model;

import dev.shallows.engine.Decoder;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.generate.ContinuousBatcher;
import dev.shallows.pruning.LoadedModel;
import dev.shallows.server.chat.ChatTemplate;
import dev.shallows.server.chat.ThinkTags;
import dev.shallows.server.chat.ToolCallParser;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.store.AtomicDirectory;
import dev.shallows.store.TextTokenizer;
import dev.shallows.store.VariantManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The served model and its variants. The model's weights are loaded once; a pruned variant is a
 * {@link LlamaWeights#keep} view of them (no copy), a healed variant opens its own merged
 * checkpoint. Variants persist as HF checkpoints with a {@link VariantManifest} under the variants
 * directory and are loaded from there on restart instead of being recomputed. Adding a variant is
 * atomic: it becomes visible only once its batcher runs; removing one lets running requests finish.
 */
public final class ModelRegistry implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** The name of the unpruned variant. */
  public static final String FULL = "full";

  private final String name;
  private final LoadedModel model;
  private final Path variantsDir;
  private final ChatTemplate chatTemplate;
  private final ToolCallParser toolCallParser;
  private final ThinkTags reasoningParser;
  private final ShallowsConfig.Batching batching;
  private final Map<String, Variant> variants = new ConcurrentHashMap<>();
  private final List<Consumer<Variant>> onAdd = new ArrayList<>();
  private final List<Consumer<Variant>> onRemove = new ArrayList<>();

  /**
   * {@code formats}: the chat template that replaces the model's own (if any), and the tool-call
   * and reasoning parsers: {@code auto} (detected from the chat template), {@code none}, or a
   * parser's name ({@link ToolCallParser#named}, {@link ThinkTags#named}).
   */
  public ModelRegistry(
      String name,
      LoadedModel model,
      Path variantsDir,
      ShallowsConfig.Batching batching,
      ShallowsConfig.Model formats) {
    this.name = name;
    this.model = model;
    this.variantsDir = variantsDir;
    this.batching = batching;
    TextTokenizer tok = model.tokenizer();
    this.chatTemplate =
        new ChatTemplate(
            formats
                .chatTemplate()
                .map(ModelRegistry::readTemplate)
                .orElse(tok.config().chatTemplate()),
            tok.bosId() >= 0 ? tok.tokenString(tok.bosId()) : "",
            tok.eosIds().isEmpty() ? "" : tok.tokenString(tok.eosIds().get(0)));
    String toolCallParser = formats.toolCallParser();
    String reasoningParser = formats.reasoningParser();
    this.toolCallParser =
        "auto".equals(toolCallParser)
            ? ToolCallParser.detect(chatTemplate)
            : ToolCallParser.named(toolCallParser);
    this.reasoningParser =
        "auto".equals(reasoningParser)
            ? ThinkTags.detect(chatTemplate)
            : ThinkTags.named(reasoningParser);
  }

  /** The Jinja text of a chat template file ({@code shallows.model.chat-template}). */
  private static String readTemplate(String file) {
    try {
      return java.nio.file.Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "shallows.model.chat-template: cannot read the chat template file " + file, e);
    }
  }

  /** Registers callbacks (metrics) for variants added and removed. */
  public void listen(Consumer<Variant> added, Consumer<Variant> removed) {
    onAdd.add(added);
    onRemove.add(removed);
  }

  public String name() {
    return name;
  }

  public LoadedModel model() {
    return model;
  }

  public TextTokenizer tokenizer() {
    return model.tokenizer();
  }

  public ChatTemplate chatTemplate() {
    return chatTemplate;
  }

  /** The splitter of reasoning from content in replies, or null. */
  public ThinkTags reasoningParser() {
    return reasoningParser;
  }

  /** The parser of tool calls in the model's own format ({@code tool_choice: "auto"}), or null. */
  public ToolCallParser toolCallParser() {
    return toolCallParser;
  }

  public Path variantsDir() {
    return variantsDir;
  }

  /** Context length of the model. */
  public int contextLength() {
    return model.weights().config().maxPositionEmbeddings();
  }

  /** Names of loaded variants. */
  public Set<String> loaded() {
    return Set.copyOf(variants.keySet());
  }

  /** Loaded variants by name, sorted. */
  public Map<String, Variant> variants() {
    return new TreeMap<>(variants);
  }

  /** A loaded variant, or 404 naming {@code param}. */
  public Variant get(String variant) {
    Variant v = variants.get(variant);
    if (v == null) {
      throw ApiException.modelNotFound("model", name + ":" + variant);
    }
    return v;
  }

  /** Loads the full model as variant {@code full}. */
  public Variant loadFull() {
    return publish(FULL, model.weights(), null, null, null);
  }

  /** Names of variants persisted under the variants directory (each with a manifest). */
  public List<String> persisted() {
    if (!Files.isDirectory(variantsDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(variantsDir)) {
      return s.filter(p -> VariantManifest.exists(p))
          .map(p -> p.getFileName().toString())
          .filter(n -> NAME.matcher(n).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a variant of this name persists. */
  public Path variantDir(String variant) {
    checkName(variant);
    return variantsDir.resolve(variant);
  }

  /**
   * Loads a persisted variant. A manifest without healing shares the parent's weights (the kept
   * layers); a healed one opens its own checkpoint. Replaces a loaded variant of the same name.
   */
  public Variant load(String variant) {
    Path dir = variantDir(variant);
    if (!VariantManifest.exists(dir)) {
      throw ApiException.notFound("variant '" + variant + "' in " + variantsDir);
    }
    VariantManifest m = VariantManifest.read(dir);
    int layers = model.weights().config().numHiddenLayers();
    if (m.sourceLayers() != layers) {
      throw ApiException.conflict(
          "variant",
          "variant '"
              + variant
              + "' was cut from a "
              + m.sourceLayers()
              + "-layer model, not this "
              + layers
              + "-layer one");
    }
    if (m.healing() == null) {
      int[] kept = m.keptLayers().stream().mapToInt(Integer::intValue).toArray();
      return publish(variant, model.weights().keep(kept), m, dir, null);
    }
    LoadedModel own = LoadedModel.open(dir);
    try {
      return publish(variant, own.weights(), m, dir, own);
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  private Variant publish(
      String variant, LlamaWeights weights, VariantManifest m, Path dir, LoadedModel own) {
    Decoder decoder = model.decoder(weights);
    ContinuousBatcher batcher =
        new ContinuousBatcher(
            decoder,
            new ContinuousBatcher.Options(
                variant,
                batching.maxBatchSize(),
                batching.queueSize(),
                batching.prefillChunkTokens(),
                batching.promptCacheMb() << 20));
    Variant v = new Variant(variant, weights, decoder, batcher, m, dir, own, Instant.now());
    Variant old = variants.put(variant, v);
    onAdd.forEach(c -> c.accept(v));
    if (old != null) {
      retire(old);
    }
    LOG.infof(
        "variant %s:%s loaded: layers %s, %s%s",
        name,
        variant,
        java.util.Arrays.toString(v.layers()),
        decoder instanceof dev.shallows.engine.cpu.CpuDecoder c
            ? "CPU decoder, "
                + c.weightFormat().name().toLowerCase(java.util.Locale.ROOT)
                + " weights"
            : "DJL decoder",
        FULL.equals(variant)
            ? ""
            : own == null ? " (a view of the parent's weights: no copy)" : " (own weights)");
    return v;
  }

  /** Stops serving a variant (running requests finish); its files stay. */
  public void unload(String variant) {
    if (FULL.equals(variant)) {
      throw ApiException.conflict("variant", "the full model cannot be unloaded");
    }
    Variant v = variants.remove(variant);
    if (v == null) {
      throw ApiException.notFound("variant '" + variant + "'");
    }
    retire(v);
  }

  /** Unloads a variant if loaded and deletes its files. */
  public void delete(String variant) {
    if (FULL.equals(variant)) {
      throw ApiException.conflict("variant", "the full model cannot be deleted");
    }
    Path dir = variantDir(variant);
    boolean wasLoaded = variants.containsKey(variant);
    if (!wasLoaded && !Files.exists(dir)) {
      throw ApiException.notFound("variant '" + variant + "'");
    }
    if (wasLoaded) {
      unload(variant);
    }
    try {
      AtomicDirectory.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private void retire(Variant v) {
    onRemove.forEach(c -> c.accept(v));
    Thread t = new Thread(() -> v.close(Duration.ofSeconds(30)), "shallows-retire-" + v.name());
    t.setDaemon(true);
    t.start();
  }

  /** Checks a variant name (a directory name: letters, digits, '.', '_', '-'). */
  public static void checkName(String variant) {
    if (variant == null || !NAME.matcher(variant).matches() || variant.contains("..")) {
      throw ApiException.badRequest(
          "name", "variant names are 1-64 of [A-Za-z0-9._-], starting alphanumeric");
    }
  }

  @Override
  public void close() {
    for (Variant v : variants.values()) {
      v.close(Duration.ofSeconds(5));
    }
    variants.clear();
    model.close();
  }
}
