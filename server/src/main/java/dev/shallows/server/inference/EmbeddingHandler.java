package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.engine.Embedding;
import dev.shallows.engine.LlamaWeights;
import dev.shallows.engine.generate.QueueFullException;
import dev.shallows.server.config.ShallowsConfig;
import dev.shallows.server.error.ApiException;
import dev.shallows.server.error.RateLimitedException;
import dev.shallows.server.metrics.ServingMetrics;
import dev.shallows.server.model.Variant;
import dev.shallows.server.openai.EmbeddingRequest;
import dev.shallows.server.openai.EmbeddingResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/embeddings}: validation, the variant (never A/B-split: vectors of different
 * variants are not comparable), one task per input on the variant's batcher (between decode steps,
 * with its decoder), and the OpenAI reply.
 */
@ApplicationScoped
public class EmbeddingHandler {

  /** How long one request may wait for its embeddings. */
  static final long TIMEOUT_SECONDS = 300;

  private final InferenceService inference;
  private final ServingMetrics metrics;
  private final ShallowsConfig config;

  public EmbeddingHandler(
      InferenceService inference, ServingMetrics metrics, ShallowsConfig config) {
    this.inference = inference;
    this.metrics = metrics;
    this.config = config;
  }

  public Response handle(EmbeddingRequest req) throws InterruptedException {
    if (req == null) {
      throw ApiException.badRequest(null, "the request needs a JSON body");
    }
    if (req.model == null || req.model.isBlank()) {
      throw ApiException.badRequest("model", "you must provide a model parameter");
    }
    boolean base64 = format(req.encodingFormat);
    String variant = inference.embeddingVariant(req.model);
    Variant v = inference.registry().get(variant);
    LlamaWeights weights = v.weights();
    int hidden = weights.config().hiddenSize();
    if (req.dimensions != null && req.dimensions != hidden) {
      throw ApiException.badRequest(
          "dimensions", "this model's embeddings have " + hidden + " dimensions only");
    }
    List<int[]> inputs = inputs(req.input);
    List<Future<float[]>> pending = new ArrayList<>(inputs.size());
    try {
      for (int[] ids : inputs) {
        pending.add(v.batcher().run(d -> Embedding.lastToken(d, weights, ids)));
      }
    } catch (QueueFullException e) {
      pending.forEach(f -> f.cancel(false));
      metrics.rejected(variant);
      throw new RateLimitedException(variant, config.batching().retryAfterSeconds());
    }
    metrics.request(variant, "embeddings");
    List<EmbeddingResponse.Item> data = new ArrayList<>(inputs.size());
    int tokens = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    try {
      for (int i = 0; i < inputs.size(); i++) {
        float[] e = pending.get(i).get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        data.add(new EmbeddingResponse.Item("embedding", i, base64 ? base64(e) : e));
        tokens += inputs.get(i).length;
      }
    } catch (ExecutionException e) {
      pending.forEach(f -> f.cancel(false));
      throw new ApiException(
          500, "server_error", null, "embedding_failed", "the embedding failed: " + e.getCause());
    } catch (TimeoutException | java.util.concurrent.CancellationException e) {
      pending.forEach(f -> f.cancel(false)); // timed out, or the variant shut down meanwhile
      throw new ApiException(
          503, "server_error", null, "embedding_unavailable", "the embedding did not finish: " + e);
    }
    EmbeddingResponse body =
        new EmbeddingResponse(
            "list", data, req.model, variant, new EmbeddingResponse.Usage(tokens, tokens));
    return Response.ok(body).header(Headers.VARIANT, variant).build();
  }

  /** Whether the reply is base64; 400 for a format other than float and base64. */
  private static boolean format(String f) {
    if (f == null || f.equals("float")) {
      return false;
    }
    if (f.equals("base64")) {
      return true;
    }
    throw ApiException.badRequest(
        "encoding_format", "encoding_format must be float or base64, got '" + f + "'");
  }

  /** The inputs as token ids, each checked against the vocabulary and the context. */
  private List<int[]> inputs(JsonNode in) {
    if (in == null || in.isNull()) {
      throw ApiException.badRequest("input", "you must provide an input");
    }
    List<int[]> out = new ArrayList<>();
    if (in.isTextual()) {
      out.add(text(in, "input"));
    } else if (in.isArray() && !in.isEmpty() && in.get(0).isNumber()) {
      out.add(ids(in, "input"));
    } else if (in.isArray() && !in.isEmpty()) {
      for (int i = 0; i < in.size(); i++) {
        JsonNode e = in.get(i);
        String param = "input[" + i + "]";
        if (e.isTextual()) {
          out.add(text(e, param));
        } else if (e.isArray()) {
          out.add(ids(e, param));
        } else {
          throw ApiException.badRequest(
              param, "each input must be a string or an array of token ids");
        }
      }
    } else {
      throw ApiException.badRequest(
          "input", "input must be a non-empty string, array of strings, or array of token ids");
    }
    int max = config.limits().maxEmbeddingInputs();
    if (out.size() > max) {
      throw ApiException.badRequest(
          "input", "at most " + max + " inputs per request, got " + out.size());
    }
    int ctx = inference.registry().contextLength();
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).length > ctx) {
        throw ApiException.badRequest(
            out.size() == 1 ? "input" : "input[" + i + "]",
            "This model's maximum context length is "
                + ctx
                + " tokens, but the input has "
                + out.get(i).length
                + " tokens");
      }
    }
    return out;
  }

  private int[] text(JsonNode e, String param) {
    if (e.asText().isEmpty()) {
      throw ApiException.badRequest(param, "an input must not be empty");
    }
    return inference.encode(e.asText());
  }

  private int[] ids(JsonNode arr, String param) {
    if (arr.isEmpty()) {
      throw ApiException.badRequest(param, "an input must not be empty");
    }
    int vocab = inference.registry().tokenizer().vocabSize();
    int[] ids = new int[arr.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode t = arr.get(i);
      if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= vocab) {
        throw ApiException.badRequest(
            param, "token ids must be integers in [0, " + vocab + "), got " + t + " at " + i);
      }
      ids[i] = t.asInt();
    }
    return ids;
  }

  /** OpenAI's base64 form: the float32 values, little-endian, base64-encoded. */
  private static String base64(float[] e) {
    ByteBuffer b = ByteBuffer.allocate(4 * e.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(e);
    return Base64.getEncoder().encodeToString(b.array());
  }
}
