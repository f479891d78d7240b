package dev.shallows.engine.generate.json.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.engine.generate.json.PieceTrie;
import dev.shallows.engine.generate.json.schema.SchemaRecognizer.State;
import dev.shallows.store.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Cost of an allowed-token set for a state never seen (a benchmark, not a test): along a 134-state
 * reply of a schema with maxLength strings, the time per state of walking the whole vocabulary's
 * trie (the baseline) against the constraint's inside-a-string shortcut, on a model's vocabulary
 * and on a ~27,000-token stand-in (its pieces plus words of a text file). Run: {@code java
 * --add-modules jdk.incubator.vector -cp <engine classpath>
 * dev.shallows.engine.generate.json.schema.AllowedTokensBench MODEL_DIR TEXT_FILE}.
 */
public final class AllowedTokensBench {

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":30},"
          + "\"born_in\":{\"type\":\"string\",\"maxLength\":30},\"year\":{\"type\":\"integer\"},"
          + "\"employer\":{\"type\":\"string\",\"maxLength\":30}},"
          + "\"required\":[\"name\",\"born_in\",\"year\",\"employer\"]}";

  private static final String REPLY =
      " { \"name\": \"Dricism, a child and his\", \"born_in\": \"The bondv Baxter's H\","
          + " \"year\": 6777, \"employer\": \"I am not for me! You know you\" }";

  private AllowedTokensBench() {}

  public static void main(String[] args) throws Exception {
    String[] model;
    try (TextTokenizer tok = TextTokenizer.load(Path.of(args[0]))) {
      model = tok.pieces();
    }
    LinkedHashSet<String> big = new LinkedHashSet<>(Arrays.asList(model));
    big.remove(null);
    String text = Files.readString(Path.of(args[1]));
    for (String w : text.substring(0, Math.min(text.length(), 3_000_000)).split("[^A-Za-z']+")) {
      if (big.size() >= 32_000) {
        break;
      }
      if (!w.isEmpty()) {
        big.addAll(List.of(w, " " + w, " " + w.substring(0, Math.min(3, w.length()))));
      }
    }
    JsonSchema schema = JsonSchema.compile(new ObjectMapper().readTree(SCHEMA));
    for (String[] pieces : List.of(model, big.toArray(new String[0]))) {
      for (int rep = 0; rep < 3; rep++) { // the first pass includes the JIT's warm-up
        long walk = 0;
        long shortcut = 0;
        State s = SchemaRecognizer.start(schema.root());
        for (int i = 0; i <= REPLY.length(); i++) {
          long t0 = System.nanoTime();
          BitSet all =
              PieceTrie.of(pieces).allowed(s, SchemaRecognizer::step, State::alive, pieces.length);
          long t1 = System.nanoTime();
          BitSet fast = new JsonSchemaConstraint(s, pieces, new HashMap<>()).allowed();
          shortcut += System.nanoTime() - t1;
          walk += t1 - t0;
          if (!Objects.equals(all, fast)) {
            throw new AssertionError("the two sets differ after " + REPLY.substring(0, i));
          }
          if (i < REPLY.length()) {
            s = SchemaRecognizer.step(s, REPLY.charAt(i));
          }
        }
        int states = REPLY.length() + 1;
        System.out.printf(
            Locale.ROOT,
            "vocabulary %6d, pass %d: whole-trie walk %6.2f ms/state, with the string shortcut %5.2f"
                + " ms/state (%.1fx)%n",
            pieces.length,
            rep,
            walk / 1e6 / states,
            shortcut / 1e6 / states,
            (double) walk / shortcut);
      }
    }
  }
}
