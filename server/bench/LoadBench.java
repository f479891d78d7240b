import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A serving load test (a benchmark, run by load.sh): C clients each send streaming chat requests
 * one after the other (different prompts, ignore_eos, a fixed number of tokens), for each C of the
 * list; reports aggregate output tokens/s and its ratio to one client (the baseline, same run),
 * time to first token and inter-token latency percentiles. JDK only: java LoadBench.java URL MODEL
 * MAX_TOKENS REQUESTS_PER_CLIENT C1,C2,...
 */
public class LoadBench {

  record Sample(double ttftMs, double totalMs, int tokens) {}

  private static final Pattern USAGE = Pattern.compile("\"completion_tokens\":(\\d+)");

  public static void main(String[] a) throws Exception {
    String url = a[0] + "/v1/chat/completions";
    String model = a[1];
    int maxTokens = Integer.parseInt(a[2]);
    int perClient = Integer.parseInt(a[3]);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    run(http, url, model, maxTokens, 2, 1, 1000); // warm-up (JIT), not reported
    System.out.printf(
        Locale.ROOT,
        "%8s %9s %10s %8s %9s %9s %9s %9s%n",
        "clients", "requests", "out tok/s", "x 1", "TTFT p50", "TTFT p95", "ITL p50", "ITL p95");
    double base = 0;
    for (String c : a[4].split(",")) {
      int clients = Integer.parseInt(c);
      long t0 = System.nanoTime();
      List<Sample> samples = run(http, url, model, maxTokens, perClient, clients, clients * 100);
      double wall = (System.nanoTime() - t0) / 1e9;
      double tokens = samples.stream().mapToInt(Sample::tokens).sum();
      double rate = tokens / wall;
      base = base == 0 ? rate : base;
      List<Double> ttft = samples.stream().map(Sample::ttftMs).sorted().toList();
      List<Double> itl =
          samples.stream()
              .map(s -> (s.totalMs() - s.ttftMs()) / Math.max(1, s.tokens() - 1))
              .sorted()
              .toList();
      System.out.printf(
          Locale.ROOT,
          "%8d %9d %10.1f %8.2f %7.0fms %7.0fms %7.1fms %7.1fms%n",
          clients,
          samples.size(),
          rate,
          rate / base,
          pct(ttft, 50),
          pct(ttft, 95),
          pct(itl, 50),
          pct(itl, 95));
    }
  }

  private static List<Sample> run(
      HttpClient http, String url, String model, int maxTokens, int perClient, int clients, int seed)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Sample>>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      futures.add(
          pool.submit(
              () -> {
                List<Sample> out = new ArrayList<>();
                for (int r = 0; r < perClient; r++) {
                  out.add(request(http, url, model, maxTokens, seed + client * perClient + r));
                }
                return out;
              }));
    }
    List<Sample> all = new ArrayList<>();
    for (Future<List<Sample>> f : futures) {
      all.addAll(f.get());
    }
    pool.shutdown();
    return all;
  }

  private static Sample request(HttpClient http, String url, String model, int maxTokens, int n)
      throws Exception {
    String prompt = "Request " + n + ": tell me about person number " + (n * 7919 % 1000) + ".";
    String body =
        "{\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}],\"max_tokens\":"
            + maxTokens
            + ",\"temperature\":0.8,\"seed\":"
            + n
            + ",\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long t0 = System.nanoTime();
    HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
    if (resp.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + resp.statusCode());
    }
    double ttft = -1;
    int tokens = 0;
    for (String line : (Iterable<String>) resp.body()::iterator) {
      if (ttft < 0 && line.contains("\"content\":\"")) {
        ttft = (System.nanoTime() - t0) / 1e6;
      }
      Matcher m = USAGE.matcher(line);
      if (m.find()) {
        tokens = Integer.parseInt(m.group(1));
      }
    }
    return new Sample(ttft, (System.nanoTime() - t0) / 1e6, tokens);
  }

  private static double pct(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
