package dev.shallows.server.k8s;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shallows.server.TestModel;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paths the manifests name, called on the running server (the shared test model, so no extra
 * Quarkus start): each probe answers UP on a loaded server, and the ServiceMonitor's endpoint
 * exports the metric the HPA scales on.
 */
@QuarkusTest
@QuarkusTestResource(TestModel.class)
class K8sEndpointsTest {

  final List<HasMetadata> base = Manifests.resources(Manifests.k8s().resolve("base"));

  @Test
  void everyProbePathAnswersUpOnALoadedServer() {
    Container c =
        Manifests.one(base, Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    for (Probe p : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
      given().get(p.getHttpGet().getPath()).then().statusCode(200).body("status", equalTo("UP"));
    }
  }

  @Test
  void theScrapedEndpointExportsTheHpaMetricPerVariant() {
    GenericKubernetesResource sm =
        (GenericKubernetesResource)
            base.stream()
                .filter(r -> r.getKind().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
    List<Map<String, Object>> endpoints = sm.get("spec", "endpoints");
    String path = (String) endpoints.get(0).get("path");
    String metrics = given().get(path).then().statusCode(200).extract().asString();
    String metric = K8sManifestsTest.hpaMetric();
    List<String> samples =
        metrics
            .lines()
            .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
            .toList();
    assertTrue(!samples.isEmpty(), metric + " is not exported at " + path);
    assertTrue(
        samples.stream().anyMatch(l -> l.contains("variant=\"full\"")),
        "per-variant samples (summed per pod by the adapter rule): " + samples);
    assertEquals(
        1,
        metrics.lines().filter(l -> l.startsWith("# TYPE " + metric + " gauge")).count(),
        "a gauge: AverageValue over pods is meaningful");
  }
}
