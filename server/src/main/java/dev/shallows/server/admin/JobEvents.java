package dev.shallows.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shallows.server.jobs.Job;
import dev.shallows.server.jobs.JobView;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A job's progress as SSE: a snapshot now, one per change, the final state, then the end. */
final class JobEvents {

  private JobEvents() {}

  static Response response(Job job, ObjectMapper json) {
    StreamingOutput out =
        os -> {
          LinkedBlockingQueue<JobView> q = new LinkedBlockingQueue<>();
          Consumer<JobView> l = q::add;
          job.listen(l);
          try {
            JobView v = job.view();
            while (true) {
              os.write(
                  ("event: progress\ndata: " + json.writeValueAsString(v) + "\n\n")
                      .getBytes(StandardCharsets.UTF_8));
              os.flush();
              if (job.state().terminal()) {
                break;
              }
              JobView next = q.poll(1, TimeUnit.SECONDS);
              while (next != null && !q.isEmpty() && !"done".equals(next.stage())) {
                next = q.poll(); // coalesce bursts: only the latest matters
              }
              v = next != null ? next : job.view();
            }
            JobView last = job.view();
            os.write(
                ("event: end\ndata: " + json.writeValueAsString(last) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            os.flush();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            job.unlisten(l);
          }
        };
    return Response.ok(out, MediaType.SERVER_SENT_EVENTS)
        .header("Cache-Control", "no-cache")
        .build();
  }
}
