package dev.shallows.engine.generate.json.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.generate.CompiledCache;
import dev.shallows.engine.generate.OutputConstraint;
import dev.shallows.engine.generate.json.schema.SchemaRecognizer.State;
import java.util.BitSet;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JSON Schema compiled for constrained decoding (OpenAI's {@code response_format} {@code
 * json_schema}). Compiled schemas are kept by their text, so the requests that send the same schema
 * share one instance and its cache of allowed-token sets per recognizer state and vocabulary; at
 * most {@value #MAX_SCHEMAS} schemas of {@value #MAX_CACHED_STATES} sets each, i.e. 64 MB at a
 * 32,000-token vocabulary.
 */
public final class JsonSchema {

  /** Compiled schemas kept, least recently used out first. */
  static final int MAX_SCHEMAS = 32;

  /** Allowed-token sets kept per schema and vocabulary; cleared when full. */
  static final int MAX_CACHED_STATES = 512;

  private static final CompiledCache<JsonSchema> COMPILED = new CompiledCache<>(MAX_SCHEMAS);

  private final SchemaNode root;
  private final State start;
  private final Map<String[], Map<State, BitSet>> allowed = new WeakHashMap<>();

  private JsonSchema(SchemaNode root) {
    this.root = root;
    this.start = SchemaRecognizer.start(root);
  }

  /**
   * Compiles a schema, or returns the instance compiled earlier from the same text.
   *
   * @throws UnsupportedSchemaException when it uses what the decoder cannot enforce, naming where
   */
  public static JsonSchema compile(JsonNode schema) {
    return COMPILED.get(schema.toString(), () -> new JsonSchema(SchemaCompiler.compile(schema)));
  }

  /** Whether {@code text} is a whole value the schema allows (as the decoder writes it). */
  public boolean accepts(String text) {
    return SchemaRecognizer.feed(start, text).complete();
  }

  /** Whether {@code text} can still grow into a value the schema allows. */
  public boolean acceptsPrefix(String text) {
    return SchemaRecognizer.feed(start, text).alive();
  }

  /** A constraint for one generation over a vocabulary ({@code pieces[id]}: token id's text). */
  public OutputConstraint constraint(String[] pieces) {
    Map<State, BitSet> cache;
    synchronized (allowed) {
      cache = allowed.computeIfAbsent(pieces, p -> new ConcurrentHashMap<>());
    }
    return new JsonSchemaConstraint(start, pieces, cache);
  }

  SchemaNode root() {
    return root;
  }
}
