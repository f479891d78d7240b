package dev.shallows.server.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The hand-kept {@code k8s/} manifests parsed into typed fabric8 objects (the ServiceMonitor, which
 * fabric8 has no model for, as a {@link GenericKubernetesResource}), and the server's
 * application.properties they must agree with. Unknown fields fail: fabric8 would keep them in
 * {@code additionalProperties}, so a misspelt {@code livenesProbe} would otherwise pass unnoticed.
 */
final class Manifests {

  /** The typed model and apiVersion of every kind the manifests may hold. */
  static final Map<String, Class<? extends HasMetadata>> TYPES =
      Map.of(
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "PersistentVolumeClaim", PersistentVolumeClaim.class,
          "Service", Service.class,
          "Deployment", Deployment.class,
          "Job", Job.class,
          "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
          "PodDisruptionBudget", PodDisruptionBudget.class,
          "ServiceMonitor", GenericKubernetesResource.class);

  static final Map<String, String> API_VERSIONS =
      Map.of(
          "ConfigMap", "v1",
          "Secret", "v1",
          "PersistentVolumeClaim", "v1",
          "Service", "v1",
          "Deployment", "apps/v1",
          "Job", "batch/v1",
          "HorizontalPodAutoscaler", "autoscaling/v2",
          "PodDisruptionBudget", "policy/v1",
          "ServiceMonitor", "monitoring.coreos.com/v1");

  private static final YAMLMapper YAML = yaml();

  private Manifests() {}

  private static YAMLMapper yaml() {
    YAMLMapper m = new YAMLMapper();
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return m;
  }

  /** The repository root (surefire sets {@code shallows.repo.root}; else the module's parent). */
  static Path repoRoot() {
    Path root =
        Path.of(System.getProperty("shallows.repo.root", "..")).toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(root.resolve("k8s")), "no k8s/ under " + root);
    return root;
  }

  static Path k8s() {
    return repoRoot().resolve("k8s");
  }

  /** Every document of a YAML file, typed by its kind. */
  static List<HasMetadata> parse(Path file) {
    List<HasMetadata> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        String kind = doc.path("kind").asText();
        Class<? extends HasMetadata> type = TYPES.get(kind);
        assertNotNull(type, file + ": unexpected kind '" + kind + "'");
        assertEquals(API_VERSIONS.get(kind), doc.path("apiVersion").asText(), file + " apiVersion");
        HasMetadata r = YAML.treeToValue(doc, type);
        assertNotNull(r.getMetadata().getName(), file + ": " + kind + " without a name");
        if (!(r instanceof GenericKubernetesResource)) {
          assertNoUnknownFields(r, file.getFileName() + ":" + kind);
        }
        out.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file.toString(), e);
    }
    return out;
  }

  /** A kustomization.yaml as a plain tree (kustomize's own schema; fabric8 has no model for it). */
  static JsonNode kustomization(Path dir) {
    try {
      return YAML.readTree(dir.resolve("kustomization.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of the resource files a kustomization lists (directories are not followed). */
  static List<HasMetadata> resources(Path dir) {
    List<HasMetadata> out = new ArrayList<>();
    for (JsonNode r : kustomization(dir).path("resources")) {
      Path p = dir.resolve(r.asText()).normalize();
      if (!Files.isDirectory(p)) {
        out.addAll(parse(p));
      }
    }
    return out;
  }

  /** The one resource of a type in a list. */
  static <T extends HasMetadata> T one(List<HasMetadata> all, Class<T> type) {
    List<T> found = all.stream().filter(type::isInstance).map(type::cast).toList();
    assertEquals(1, found.size(), "expected one " + type.getSimpleName() + ", found " + found);
    return found.get(0);
  }

  /** The server's src/main/resources/application.properties (continuations joined as Java does). */
  static Properties applicationProperties() {
    Properties p = new Properties();
    Path f = repoRoot().resolve("server/src/main/resources/application.properties");
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Fails when any fabric8 object in the tree kept fields its schema does not know. */
  static void assertNoUnknownFields(Object o, String path) {
    if (o == null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        assertNoUnknownFields(e, path + "[" + i++ + "]");
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> assertNoUnknownFields(v, path + "." + k));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method g : o.getClass().getMethods()) {
      String n = g.getName();
      if (g.getParameterCount() != 0
          || !n.startsWith("get")
          || g.getDeclaringClass() == Object.class
          || n.equals("getNumericalAmount")) {
        continue;
      }
      Object v;
      try {
        v = g.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (n.equals("getAdditionalProperties")) {
        assertTrue(
            v == null || ((Map<?, ?>) v).isEmpty(),
            path + ": fields unknown to " + o.getClass().getSimpleName() + ": " + v);
      } else {
        assertNoUnknownFields(v, path + "." + n.substring(3));
      }
    }
  }
}
