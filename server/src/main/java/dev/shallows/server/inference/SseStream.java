package dev.shallows.server.inference;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.server.error.ErrorBody;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Server-sent events in OpenAI's format: {@code data: <json>\n\n} per chunk, {@code data: [DONE]}
 * at the end (chat and completions); a {@link Named} chunk also gets its {@code event:} line, as
 * the Responses API's events do (they end without [DONE]). Runs on a worker (platform) thread and
 * relays the request's events as they arrive; a failed write means the client is gone, and every
 * choice is aborted at once. An idle stream sends an SSE comment every second, so a disconnect is
 * noticed even between slow tokens.
 */
public final class SseStream implements StreamingOutput {

  private static final Logger LOG = Logger.getLogger(SseStream.class);

  /** Turns one event into zero or more chunks (JSON-serializable objects). */
  public interface Encoder {
    /** Chunks to send before any event (e.g. the chat role, the echoed prompt). */
    Iterable<Object> start();

    /** Chunks for one event. */
    Iterable<Object> on(RunEvent event);

    /** Chunks after every choice finished (the usage chunk). */
    Iterable<Object> end();
  }

  /** A chunk sent with an {@code event:} name line. */
  public record Named(String event, Object data) {}

  private final RequestRun run;
  private final Encoder encoder;
  private final ObjectMapper json;
  private final BooleanSupplier clientGone;
  private final boolean doneMarker;

  /**
   * @param clientGone true once the client closed the connection (checked before each write)
   */
  public SseStream(RequestRun run, Encoder encoder, ObjectMapper json, BooleanSupplier clientGone) {
    this(run, encoder, json, clientGone, true);
  }

  /**
   * @param doneMarker end with {@code data: [DONE]}
   */
  public SseStream(
      RequestRun run,
      Encoder encoder,
      ObjectMapper json,
      BooleanSupplier clientGone,
      boolean doneMarker) {
    this.run = run;
    this.encoder = encoder;
    this.json = json;
    this.clientGone = clientGone;
    this.doneMarker = doneMarker;
  }

  @Override
  public void write(OutputStream out) throws IOException {
    int finished = 0;
    try {
      send(out, encoder.start());
      out.flush();
      while (finished < run.choices()) {
        RunEvent e = run.poll(1000);
        if (clientGone.getAsBoolean()) {
          LOG.debugf("client closed the stream: aborting %d choices", run.choices());
          run.abort();
          return;
        }
        if (e == null) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          continue;
        }
        if (e instanceof RunEvent.Failed f) {
          LOG.errorf(f.error(), "generation failed while streaming");
          send(
              out,
              java.util.List.of(
                  ErrorBody.of(
                      "generation failed: " + f.error(), "server_error", null, "internal_error")));
          finished++;
          continue;
        }
        if (e instanceof RunEvent.Done) {
          finished++;
        }
        send(out, encoder.on(e));
        out.flush();
      }
      send(out, encoder.end());
      if (doneMarker) {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    } catch (IOException e) {
      LOG.debugf("stream write failed (%s): client gone, aborting %d choices", e, run.choices());
      run.abort(); // nothing more can reach the client
    } catch (RuntimeException e) {
      run.abort();
      throw e;
    } catch (InterruptedException e) {
      run.abort();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void send(OutputStream out, Iterable<Object> chunks) throws IOException {
    for (Object c : chunks) {
      if (c instanceof Named n) {
        out.write(("event: " + n.event() + "\n").getBytes(StandardCharsets.UTF_8));
        c = n.data();
      }
      out.write("data: ".getBytes(StandardCharsets.UTF_8));
      out.write(json.writeValueAsBytes(c));
      out.write("\n\n".getBytes(StandardCharsets.UTF_8));
    }
  }
}
