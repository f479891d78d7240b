package dev.shallows.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A client that closes its connection mid-stream aborts the generation: the abort counter rises and
 * the batch empties long before 480 tokens could have been generated.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class DisconnectTest {

  @TestHTTPResource("/")
  URL base;

  static double metric(String name) {
    String m = given().get("/q/metrics").then().extract().asString();
    Matcher x = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(m);
    return x.find() ? Double.parseDouble(x.group(1)) : 0;
  }

  @Test
  void closingTheStreamAbortsGeneration() throws Exception {
    String aborted = "shallows_generations_aborted_total{variant=\"full\"}";
    double before = metric(aborted);
    String body =
        "{\"model\":\"stories:full\",\"prompt\":\"Once upon a time\",\"max_tokens\":480,"
            + "\"temperature\":1,\"stream\":true}";
    long t0 = System.nanoTime();
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + body.getBytes(StandardCharsets.UTF_8).length
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      int chunks = 0;
      for (String line = in.readLine(); line != null && chunks < 3; line = in.readLine()) {
        if (line.startsWith("data: {")) {
          chunks++;
        }
      }
      assertTrue(chunks == 3, "the stream started");
    } // the socket closes here, mid-generation
    double after = before;
    for (int i = 0; i < 100 && after <= before; i++) {
      Thread.sleep(50);
      after = metric(aborted);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    assertTrue(after > before, "generation was not aborted after the client left");
    double active = metric("shallows_active_sequences{variant=\"full\"}");
    assertTrue(active == 0, "active sequences " + active);
    System.out.printf("disconnect noticed and generation aborted within %.2f s%n", secs);
  }
}
