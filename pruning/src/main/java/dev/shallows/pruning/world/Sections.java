package dev.shallows.pruning.world;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a classpath text resource made of {@code [section]} headers followed by one entry per line
 * ({@code #} starts a comment line; blank lines are ignored). Used for the world's lexicon and
 * phrasebook.
 */
final class Sections {

  private Sections() {}

  /** The sections of resource {@code name} (next to this class), in file order. */
  static Map<String, List<String>> read(String name) {
    InputStream in = Sections.class.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("resource missing: " + name);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> current = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) {
          continue;
        }
        if (t.startsWith("[") && t.endsWith("]")) {
          current = new ArrayList<>();
          if (out.put(t.substring(1, t.length() - 1), current) != null) {
            throw new IllegalStateException(name + ": duplicate section " + t);
          }
        } else if (current == null) {
          throw new IllegalStateException(name + ": entry before any section: " + t);
        } else {
          current.add(t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
    return out;
  }

  /** Section {@code key} of {@code sections}, which must exist and be non-empty. */
  static List<String> require(Map<String, List<String>> sections, String key) {
    List<String> v = sections.get(key);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException("missing or empty section [" + key + "]");
    }
    return List.copyOf(v);
  }
}
