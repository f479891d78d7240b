package dev.shallows.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shallows.server.config.ShallowsConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.shutdown.ShutdownConfig;
import io.quarkus.vertx.http.runtime.VertxHttpBuildTimeConfig;
import io.quarkus.vertx.http.runtime.VertxHttpConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code k8s/} manifests against the server they deploy, without starting it: typed parsing,
 * probe paths and ports from Quarkus' own config defaults, ConfigMap/Secret keys against the
 * server's {@code @ConfigMapping}, the image against the Jib build config, the HPA, the PVC shared
 * with the prune/heal Job, drain timing and the GPU overlay. {@link K8sEndpointsTest} then calls
 * the probe and metrics paths on a running server.
 */
class K8sManifestsTest {

  /** The config mappings whose keys the ConfigMap may set. */
  static final List<Class<?>> MAPPINGS =
      List.of(ShallowsConfig.class, VertxHttpConfig.class, ShutdownConfig.class);

  /** The Quarkus registry-side grace the batchers get after HTTP drained (ModelRegistry.close). */
  static final int BATCHER_GRACE_SECONDS = 5;

  final Path k8s = Manifests.k8s();
  final List<HasMetadata> base = Manifests.resources(k8s.resolve("base"));
  final Properties app = Manifests.applicationProperties();
  final Deployment deployment = Manifests.one(base, Deployment.class);
  final Job job = Manifests.one(base, Job.class);
  final ConfigMap config = Manifests.one(base, ConfigMap.class);
  final Container server = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

  @Test
  void everyManifestIsListedAndParsesIntoTypedObjects() {
    Path dir = k8s.resolve("base");
    Set<String> listed = new TreeSet<>();
    Manifests.kustomization(dir).path("resources").forEach(r -> listed.add(r.asText()));
    Set<String> files = yamlFiles(dir);
    files.remove("kustomization.yaml");
    assertEquals(
        files, listed, "every manifest in k8s/base is in its kustomization, and only those");
    Set<String> kinds = base.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertEquals(Manifests.TYPES.keySet(), kinds, "one of each kind the deployment needs");
    assertEquals(
        List.of("base"), list(Manifests.kustomization(k8s).path("resources")), "k8s/ = the base");
    assertEquals(1, deployment.getSpec().getTemplate().getSpec().getContainers().size());
  }

  @Test
  void probesUseTheServersHealthEndpointsByKind() {
    assertProbes(server, healthPaths());
    Probe startup = server.getStartupProbe();
    int budget = startup.getPeriodSeconds() * startup.getFailureThreshold();
    assertTrue(budget >= 600, "startup budget for loading weights: " + budget + " s < 10 min");
  }

  /** Startup, readiness and liveness each on its own endpoint, on the container's HTTP port. */
  static void assertProbes(Container c, Map<String, String> paths) {
    Map<String, Probe> probes =
        Map.of(
            "started", c.getStartupProbe(),
            "ready", c.getReadinessProbe(),
            "live", c.getLivenessProbe());
    Set<String> portNames = c.getPorts().stream().map(p -> p.getName()).collect(Collectors.toSet());
    probes.forEach(
        (kind, p) -> {
          assertNotNull(p, kind + " probe missing");
          assertNotNull(p.getHttpGet(), kind + " probe is not an HTTP GET");
          assertEquals(paths.get(kind), p.getHttpGet().getPath(), kind + " probe path");
          var port = p.getHttpGet().getPort();
          assertTrue(
              portNames.contains(port.getStrVal())
                  || c.getPorts().stream()
                      .anyMatch(x -> x.getContainerPort().equals(port.getIntVal())),
              kind + " probe port " + port + " is not a container port");
        });
  }

  /** SmallRye Health's paths under Quarkus' non-application root, honouring overrides. */
  Map<String, String> healthPaths() {
    String root =
        app.getProperty(
            "quarkus.http.non-application-root-path",
            ConfigKeys.defaultOf(
                VertxHttpBuildTimeConfig.class, "quarkus.http.non-application-root-path"));
    String health = app.getProperty("quarkus.smallrye-health.root-path", "health");
    String prefix = "/" + strip(root) + "/" + strip(health) + "/";
    return Map.of(
        "started", prefix + app.getProperty("quarkus.smallrye-health.startup-path", "started"),
        "ready", prefix + app.getProperty("quarkus.smallrye-health.readiness-path", "ready"),
        "live", prefix + app.getProperty("quarkus.smallrye-health.liveness-path", "live"));
  }

  @Test
  void containerAndServicePortsMatchTheServersHttpPort() {
    int port = httpPort();
    var http =
        server.getPorts().stream()
            .filter(p -> "http".equals(p.getName()))
            .findFirst()
            .orElseThrow();
    assertEquals(port, http.getContainerPort(), "container port vs quarkus.http.port");
    Service svc = Manifests.one(base, Service.class);
    ServicePort sp = svc.getSpec().getPorts().get(0);
    assertTrue(
        "http".equals(sp.getTargetPort().getStrVal()) || port == sp.getTargetPort().getIntVal(),
        "Service targetPort " + sp.getTargetPort());
    assertTrue(
        matches(svc.getSpec().getSelector(), podLabels()), "Service selects the server pods");
    assertFalse(
        matches(svc.getSpec().getSelector(), job.getSpec().getTemplate().getMetadata().getLabels()),
        "Service must not select the prune/heal Job's pod");
  }

  /**
   * The effective port: the ConfigMap's QUARKUS_HTTP_PORT, else application.properties, else
   * Quarkus' default.
   */
  int httpPort() {
    String dflt = ConfigKeys.defaultOf(VertxHttpConfig.class, "quarkus.http.port");
    return Integer.parseInt(
        config
            .getData()
            .getOrDefault("QUARKUS_HTTP_PORT", app.getProperty("quarkus.http.port", dflt)));
  }

  @Test
  void configMapKeysAreKeysTheServerReads() {
    assertKnownKeys(config.getData().keySet(), "ConfigMap " + config.getMetadata().getName());
    for (Container c : containers()) {
      assertKnownKeys(
          c.getEnv().stream()
              .map(EnvVar::getName)
              .filter(n -> n.startsWith("SHALLOWS_") || n.startsWith("QUARKUS_"))
              .collect(Collectors.toSet()),
          "env of " + c.getName());
    }
    assertEquals(
        "builtin",
        config.getData().get(ConfigKeys.envName("shallows.model.dir")),
        "the image's built-in model");
  }

  /** Each key is a server config key (env form) or one the engine reads from the environment. */
  static void assertKnownKeys(Set<String> keys, String where) {
    Map<String, String> known = ConfigKeys.envNames(MAPPINGS);
    for (String k : keys) {
      assertTrue(
          known.containsKey(k) || (k.startsWith("SHALLOWS_") && ConfigKeys.engineReads(k)),
          where + ": " + k + " is no key of the server's config mapping nor read by the engine");
    }
  }

  @Test
  void secretHoldsExactlyTheApiKeyEnvVarsAndPodsUseIt() {
    Secret secret = Manifests.one(base, Secret.class);
    Set<String> keys = new TreeSet<>();
    if (secret.getStringData() != null) {
      keys.addAll(secret.getStringData().keySet());
    }
    if (secret.getData() != null) {
      keys.addAll(secret.getData().keySet());
    }
    Set<String> apiKeys =
        ConfigKeys.keys(ShallowsConfig.class).keySet().stream()
            .filter(k -> k.endsWith(".api-key"))
            .map(ConfigKeys::envName)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("SHALLOWS_ADMIN_API_KEY", "SHALLOWS_API_API_KEY"), apiKeys);
    assertEquals(apiKeys, keys, "Secret keys");
    Set<String> refs = new HashSet<>();
    for (EnvFromSource e : server.getEnvFrom()) {
      refs.add(e.getSecretRef() != null ? "secret/" + e.getSecretRef().getName() : "");
      refs.add(e.getConfigMapRef() != null ? "cm/" + e.getConfigMapRef().getName() : "");
    }
    assertTrue(refs.contains("secret/" + secret.getMetadata().getName()), "server uses the Secret");
    assertTrue(refs.contains("cm/" + config.getMetadata().getName()), "server uses the ConfigMap");
  }

  @Test
  void imagesAreTheOneTheBuildWrites() {
    String image = builtImage();
    assertEquals(image, server.getImage(), "server image");
    for (Container c : job.getSpec().getTemplate().getSpec().getContainers()) {
      assertEquals(image, c.getImage(), "Job image (runs the CLI shipped in the server image)");
    }
    String workDir = app.getProperty("quarkus.jib.working-directory");
    assertNotNull(workDir, "quarkus.jib.working-directory: where the built-in model is copied");
    assertEquals(workDir, server.getWorkingDir(), "server working dir (builtin model lookup)");
    assertTrue(
        Files.isRegularFile(
            Manifests.repoRoot().resolve("server/src/main/jib" + workDir + "/shallows")),
        "the image's CLI launcher the Job runs");
  }

  /**
   * {@code [registry/]group/name:tag} from quarkus.container-image.* (no fallbacks: all must be
   * set).
   */
  String builtImage() {
    String group = app.getProperty("quarkus.container-image.group");
    String name = app.getProperty("quarkus.container-image.name");
    String tag = app.getProperty("quarkus.container-image.tag");
    assertNotNull(group, "quarkus.container-image.group");
    assertNotNull(name, "quarkus.container-image.name");
    assertNotNull(tag, "quarkus.container-image.tag");
    String registry = app.getProperty("quarkus.container-image.registry");
    return (registry == null ? "" : registry + "/") + group + "/" + name + ":" + tag;
  }

  @Test
  void hpaScalesTheDeploymentOnAPerPodServingMetricBelowTheBatchSize() {
    HorizontalPodAutoscaler hpa = Manifests.one(base, HorizontalPodAutoscaler.class);
    assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
    assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
    assertEquals(1, hpa.getSpec().getMetrics().size());
    MetricSpec m = hpa.getSpec().getMetrics().get(0);
    assertEquals("Pods", m.getType(), "a serving metric per pod, not CPU/GPU utilization");
    String metric = m.getPods().getMetric().getName();
    assertTrue(metric.startsWith("shallows_"), "one of the server's own metrics: " + metric);
    double target = m.getPods().getTarget().getAverageValue().getNumericalAmount().doubleValue();
    int batch =
        Integer.parseInt(
            config
                .getData()
                .getOrDefault(
                    ConfigKeys.envName("shallows.batching.max-batch-size"),
                    ConfigKeys.defaultOf(
                        ShallowsConfig.class, "shallows.batching.max-batch-size")));
    assertTrue(
        target > 0 && target < batch, "target " + target + " must scale before the batch is full");
    PodDisruptionBudget pdb = Manifests.one(base, PodDisruptionBudget.class);
    assertTrue(
        hpa.getSpec().getMinReplicas() > pdb.getSpec().getMaxUnavailable().getIntVal(),
        "a voluntary disruption leaves a pod serving");
    assertTrue(matches(pdb.getSpec().getSelector().getMatchLabels(), podLabels()));
    assertFalse(
        matches(
            pdb.getSpec().getSelector().getMatchLabels(),
            job.getSpec().getTemplate().getMetadata().getLabels()),
        "the PDB must not cover the Job's pod");
  }

  /** The HPA's metric name, for {@link K8sEndpointsTest}. */
  static String hpaMetric() {
    HorizontalPodAutoscaler hpa =
        Manifests.one(
            Manifests.resources(Manifests.k8s().resolve("base")), HorizontalPodAutoscaler.class);
    return hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName();
  }

  @Test
  void serverAndJobShareTheModelStoreWhereVariantsPersist() {
    PersistentVolumeClaim pvc = Manifests.one(base, PersistentVolumeClaim.class);
    String claim = pvc.getMetadata().getName();
    String serverMount = claimMount(deployment.getSpec().getTemplate().getSpec(), server, claim);
    Container jobC = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    String jobMount = claimMount(job.getSpec().getTemplate().getSpec(), jobC, claim);
    String variants = config.getData().get(ConfigKeys.envName("shallows.model.variants-dir"));
    assertNotNull(variants, "shallows.model.variants-dir must point at the PVC");
    assertTrue(
        variants.startsWith(serverMount + "/"), variants + " is not on the PVC " + serverMount);
    String jobVariants =
        jobC.getEnv().stream()
            .filter(e -> e.getName().equals("VARIANTS"))
            .findFirst()
            .orElseThrow()
            .getValue();
    assertEquals(
        variants,
        jobVariants.replaceFirst("^" + jobMount, serverMount),
        "Job writes where the server reads");
    if (deployment.getSpec().getReplicas() > 1) {
      assertTrue(
          pvc.getSpec().getAccessModes().contains("ReadWriteMany"), "replicas share the PVC");
    }
    String script = String.join("\n", jobC.getArgs());
    assertTrue(script.contains("/shallows prune") && script.contains("/shallows heal"), script);
    assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());
  }

  /** The mount path of the volume backed by {@code claim} in container {@code c}. */
  static String claimMount(PodSpec pod, Container c, String claim) {
    Volume v =
        pod.getVolumes().stream()
            .filter(x -> x.getPersistentVolumeClaim() != null)
            .filter(x -> claim.equals(x.getPersistentVolumeClaim().getClaimName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume for PVC " + claim));
    return c.getVolumeMounts().stream()
        .filter(m -> m.getName().equals(v.getName()))
        .map(VolumeMount::getMountPath)
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + claim));
  }

  @Test
  void terminationDrainsStreamingResponses() {
    var pod = deployment.getSpec().getTemplate().getSpec();
    List<String> preStop = server.getLifecycle().getPreStop().getExec().getCommand();
    assertEquals("sleep", preStop.get(0));
    long sleep = Long.parseLong(preStop.get(1));
    String timeout = config.getData().get(ConfigKeys.envName("quarkus.shutdown.timeout"));
    assertNotNull(timeout, "without quarkus.shutdown.timeout Quarkus stops at once on SIGTERM");
    Duration drain = new DurationConverter().convert(timeout);
    assertTrue(drain.toSeconds() >= 120, "a long streaming answer needs minutes: " + drain);
    long needed = sleep + drain.toSeconds() + BATCHER_GRACE_SECONDS;
    assertTrue(
        pod.getTerminationGracePeriodSeconds() >= needed,
        "terminationGracePeriodSeconds " + pod.getTerminationGracePeriodSeconds() + " < " + needed);
  }

  @Test
  void serviceMonitorScrapesTheMetricsEndpoint() {
    GenericKubernetesResource sm =
        (GenericKubernetesResource)
            base.stream()
                .filter(r -> r.getKind().equals("ServiceMonitor"))
                .findFirst()
                .orElseThrow();
    Map<String, Object> spec = sm.get("spec");
    List<Map<String, Object>> endpoints = sm.get("spec", "endpoints");
    assertEquals(1, endpoints.size());
    assertEquals(metricsPath(), endpoints.get(0).get("path"));
    Service svc = Manifests.one(base, Service.class);
    assertEquals(svc.getSpec().getPorts().get(0).getName(), endpoints.get(0).get("port"));
    Map<String, String> sel = sm.get("spec", "selector", "matchLabels");
    assertTrue(matches(sel, svc.getMetadata().getLabels()), "selects the Service: " + spec);
  }

  /** Micrometer's Prometheus endpoint under the non-application root. */
  String metricsPath() {
    String root =
        app.getProperty(
            "quarkus.http.non-application-root-path",
            ConfigKeys.defaultOf(
                VertxHttpBuildTimeConfig.class, "quarkus.http.non-application-root-path"));
    return "/"
        + strip(root)
        + "/"
        + strip(app.getProperty("quarkus.micrometer.export.prometheus.path", "metrics"));
  }

  @Test
  void gpuOverlayAddsGpusToTheServerAndTheJob() {
    Path gpu = k8s.resolve("overlays/gpu");
    JsonNode kust = Manifests.kustomization(gpu);
    assertEquals(List.of("../../base"), list(kust.path("resources")));
    JsonNode images = kust.path("images").get(0);
    String built = builtImage();
    assertEquals(built.substring(0, built.lastIndexOf(':')), images.path("name").asText());
    assertTrue(images.path("newName").asText().endsWith("-gpu"), "the CUDA image variant");
    Set<String> patchFiles = new TreeSet<>();
    kust.path("patches").forEach(p -> patchFiles.add(p.path("path").asText()));
    Set<String> files = yamlFiles(gpu);
    files.remove("kustomization.yaml");
    assertEquals(files, patchFiles, "every patch file is applied");
    for (String f : patchFiles) {
      for (HasMetadata patch : Manifests.parse(gpu.resolve(f))) {
        HasMetadata target =
            base.stream()
                .filter(r -> r.getKind().equals(patch.getKind()))
                .filter(r -> r.getMetadata().getName().equals(patch.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(f + " patches nothing in the base"));
        if (patch instanceof ConfigMap cm) {
          assertKnownKeys(cm.getData().keySet(), f);
          assertEquals("gpu", cm.getData().get("SHALLOWS_DEVICE"), "fail fast without a GPU");
        } else if (patch instanceof Deployment d) {
          assertGpuPod(
              d.getSpec().getTemplate().getSpec(),
              ((Deployment) target).getSpec().getTemplate().getSpec(),
              f);
        } else if (patch instanceof Job j) {
          assertGpuPod(
              j.getSpec().getTemplate().getSpec(),
              ((Job) target).getSpec().getTemplate().getSpec(),
              f);
        }
      }
    }
    assertTrue(patchFiles.size() >= 2);
  }

  /** A patch that puts the pod on a GPU node with one GPU per (existing, by name) container. */
  static void assertGpuPod(PodSpec patch, PodSpec base, String where) {
    assertFalse(patch.getNodeSelector().isEmpty(), where + ": nodeSelector");
    assertTrue(
        patch.getTolerations().stream().anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())),
        where + ": toleration for GPU nodes");
    Set<String> names =
        base.getContainers().stream().map(Container::getName).collect(Collectors.toSet());
    for (Container c : patch.getContainers()) {
      assertTrue(
          names.contains(c.getName()),
          where
              + ": container "
              + c.getName()
              + " is not in the base (would be added, not merged)");
      Quantity limit = c.getResources().getLimits().get("nvidia.com/gpu");
      assertNotNull(limit, where + ": nvidia.com/gpu limit");
      assertTrue(limit.getNumericalAmount().intValue() >= 1);
    }
  }

  @Test
  void theChecksRejectBrokenManifests() {
    Container wrong = new io.fabric8.kubernetes.api.model.ContainerBuilder(server).build();
    wrong.getReadinessProbe().getHttpGet().setPath("/health/ready");
    assertThrows(AssertionError.class, () -> assertProbes(wrong, healthPaths()));
    Container swapped = new io.fabric8.kubernetes.api.model.ContainerBuilder(server).build();
    swapped.setLivenessProbe(server.getReadinessProbe());
    assertThrows(AssertionError.class, () -> assertProbes(swapped, healthPaths()));
    assertThrows(
        AssertionError.class, () -> assertKnownKeys(Set.of("SHALLOWS_MODEL_DIRECTORY"), "x"));
    assertThrows(AssertionError.class, () -> assertKnownKeys(Set.of("SHALLOWS_DEVICES"), "x"));
    assertTrue(ConfigKeys.engineReads("SHALLOWS_DEVICE"));
    Deployment typo =
        new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(deployment).build();
    typo.getSpec().getTemplate().getSpec().setAdditionalProperty("nodeSelectr", Map.of("a", "b"));
    assertThrows(AssertionError.class, () -> Manifests.assertNoUnknownFields(typo, "typo"));
  }

  List<Container> containers() {
    return Stream.concat(
            deployment.getSpec().getTemplate().getSpec().getContainers().stream(),
            job.getSpec().getTemplate().getSpec().getContainers().stream())
        .toList();
  }

  Map<String, String> podLabels() {
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null
        && !selector.isEmpty()
        && labels != null
        && labels.entrySet().containsAll(selector.entrySet());
  }

  static Set<String> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> list(JsonNode array) {
    return Stream.of(array)
        .flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
        .map(JsonNode::asText)
        .toList();
  }

  private static String strip(String p) {
    return p.replaceAll("^/+|/+$", "");
  }
}
