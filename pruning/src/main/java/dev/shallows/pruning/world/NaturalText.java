package dev.shallows.pruning.world;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A reproducible sample of natural English text from the shared public-domain corpora (Project
 * Gutenberg books with their licence headers and footers stripped, and the King James Bible by
 * chapter): from every source a contiguous run of paragraphs for training and the run right after
 * it for held-out evaluation, so that the two never share text.
 */
public final class NaturalText {

  /** Training and held-out documents. */
  public record Sample(List<String> train, List<String> heldout) {}

  private static final List<String> START_MARKERS =
      List.of(
          "*** START OF THIS PROJECT GUTENBERG",
          "*** START OF THE PROJECT GUTENBERG",
          "***START OF THE PROJECT GUTENBERG");
  private static final List<String> END_MARKERS =
      List.of(
          "*** END OF THIS PROJECT GUTENBERG",
          "*** END OF THE PROJECT GUTENBERG",
          "End of the Project Gutenberg",
          "End of Project Gutenberg",
          "END OF THE PROJECT GUTENBERG",
          "START**THE SMALL PRINT");

  /** Page numbers like {82} and bracketed illustration/footnote markers. */
  private static final Pattern MARKUP =
      Pattern.compile("\\{\\d+}|\\[(Illustration|Footnote|Sidenote)[^\\]]*]");

  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern VERSE_NUMBER = Pattern.compile("^\\d+\\s+");
  private static final int DOC_CHARS = 1500;

  private NaturalText() {}

  /**
   * Samples about {@code trainChars} and {@code heldoutChars} characters from the corpus directory
   * (containing {@code gutenberg_en/*.txt} and {@code kjv*.txt}), spread evenly over the sources in
   * a seed-determined order: from each, a window at a seed-determined position.
   */
  public static Sample sample(Path corpusDir, long seed, long trainChars, long heldoutChars) {
    List<Path> sources = sources(corpusDir);
    Random r = Seeds.random(seed, "natural");
    Collections.shuffle(sources, r);
    long trainQuota = (trainChars + sources.size() - 1) / sources.size();
    long heldQuota = (heldoutChars + sources.size() - 1) / sources.size();
    List<String> train = new ArrayList<>();
    List<String> held = new ArrayList<>();
    long trainTotal = 0;
    long heldTotal = 0;
    for (Path src : sources) {
      if (trainTotal >= trainChars && heldTotal >= heldoutChars) {
        break;
      }
      String body = body(src);
      // Raw text shrinks a little when cleaned; take a third more than the quotas need.
      int need = (int) Math.min(Integer.MAX_VALUE / 2, (trainQuota + heldQuota) * 4 / 3 + 2000);
      int from = 0;
      if (body.length() > need) {
        from = body.indexOf("\n\n", r.nextInt(body.length() - need));
        from = from < 0 ? 0 : from + 2;
      }
      String window = body.substring(from, Math.min(body.length(), from + need));
      boolean kjv = src.getFileName().toString().startsWith("kjv");
      List<String> docs = documents(kjv ? kjvChapters(window) : gutenberg(window));
      int i = 0;
      long t = 0;
      while (i < docs.size() && t < trainQuota && trainTotal < trainChars) {
        train.add(docs.get(i));
        t += docs.get(i).length();
        trainTotal += docs.get(i++).length();
      }
      long h = 0;
      while (i < docs.size() && h < heldQuota && heldTotal < heldoutChars) {
        held.add(docs.get(i));
        h += docs.get(i).length();
        heldTotal += docs.get(i++).length();
      }
    }
    return new Sample(List.copyOf(train), List.copyOf(held));
  }

  private static List<Path> sources(Path corpusDir) {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> books = Files.list(corpusDir.resolve("gutenberg_en"));
        Stream<Path> top = Files.list(corpusDir)) {
      books.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(out::add);
      top.filter(p -> p.getFileName().toString().startsWith("kjv")).sorted().forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list corpus " + corpusDir + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no corpus texts under " + corpusDir);
    }
    return out;
  }

  /**
   * The text of one source with Gutenberg's licence header and footer cut off, line ends
   * normalized; plain substring searches, since whole books are scanned.
   */
  static String body(Path src) {
    String text;
    try {
      text = Files.readString(src, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + src + ": " + e.getMessage(), e);
    }
    text = text.replace("\uFEFF", "").replace("\r\n", "\n").replace('\r', '\n');
    int from = 0;
    for (String marker : START_MARKERS) {
      int at = text.indexOf(marker);
      if (at >= 0) {
        int eol = text.indexOf('\n', at);
        from = eol < 0 ? text.length() : eol + 1;
        break;
      }
    }
    int to = text.length();
    for (String marker : END_MARKERS) {
      int at = text.indexOf(marker, from);
      if (at >= 0 && at < to) {
        to = Math.max(from, text.lastIndexOf('\n', at) + 1);
      }
    }
    return text.substring(from, to);
  }

  /** Paragraphs grouped into documents of about {@value #DOC_CHARS} characters. */
  static List<String> documents(List<String> paragraphs) {
    List<String> docs = new ArrayList<>();
    StringBuilder doc = new StringBuilder();
    for (String p : paragraphs) {
      if (doc.length() > 0) {
        doc.append("\n");
      }
      doc.append(p);
      if (doc.length() >= DOC_CHARS) {
        docs.add(doc.toString());
        doc.setLength(0);
      }
    }
    if (doc.length() > 0) {
      docs.add(doc.toString());
    }
    return docs;
  }

  /** Paragraphs of a Gutenberg body: lines reflowed, markup and headings dropped. */
  static List<String> gutenberg(String text) {
    String[] lines = text.split("\n", -1);
    List<String> out = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i].strip() : "";
      if (!line.isEmpty()) {
        para.append(para.length() > 0 ? " " : "").append(line);
        continue;
      }
      String p =
          para.toString()
              .replace("_", "")
              .transform(x -> MARKUP.matcher(x).replaceAll(""))
              .transform(x -> SPACES.matcher(x).replaceAll(" "))
              .strip();
      para.setLength(0);
      // Headings and ornaments have no lower-case letters; stray licence text names Gutenberg.
      if (p.chars().anyMatch(Character::isLowerCase) && !p.toLowerCase().contains("gutenberg")) {
        out.add(p);
      }
    }
    return out;
  }

  /** KJV chapters ("Book N" headings, numbered verses) as paragraphs of verses without numbers. */
  static List<String> kjvChapters(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder chapter = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (line.startsWith(" ")) {
        chapter
            .append(chapter.length() > 0 ? " " : "")
            .append(VERSE_NUMBER.matcher(t).replaceFirst(""));
      } else if (chapter.length() > 0) {
        out.add(chapter.toString());
        chapter.setLength(0);
      }
    }
    if (chapter.length() > 0) {
      out.add(chapter.toString());
    }
    return out;
  }
}
