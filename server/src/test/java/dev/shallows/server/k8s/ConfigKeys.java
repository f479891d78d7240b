package dev.shallows.server.k8s;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Configuration keys as the server knows them: every leaf of a {@code @ConfigMapping} interface
 * (found by reflection: {@code @WithName}, {@code @WithParentName}, nested groups, kebab-case
 * method names) and its environment-variable name under SmallRye's rule (each character that is not
 * a letter or digit becomes {@code _}, then upper case). Also the few settings the engine reads
 * itself with {@code System.getenv}, found as string constants in its compiled classes.
 */
final class ConfigKeys {

  /** Engine classes that read settings straight from the environment. */
  static final List<String> ENGINE_READERS =
      List.of(
          "dev.shallows.engine.djl.ComputeSettings",
          "dev.shallows.engine.djl.DjlEnvironment",
          "dev.shallows.engine.Decoders");

  private ConfigKeys() {}

  /** SmallRye's environment-variable name of a property key. */
  static String envName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** Property key to the leaf method that declares it, for a mapping interface. */
  static Map<String, Method> keys(Class<?> mapping) {
    ConfigMapping m = mapping.getAnnotation(ConfigMapping.class);
    if (m == null) {
      throw new IllegalArgumentException(mapping + " is not a @ConfigMapping");
    }
    Map<String, Method> out = new TreeMap<>();
    walk(mapping, m.prefix(), out);
    return out;
  }

  /** Environment-variable name to property key, for several mappings. */
  static Map<String, String> envNames(List<Class<?>> mappings) {
    Map<String, String> out = new TreeMap<>();
    for (Class<?> c : mappings) {
      keys(c).keySet().forEach(k -> out.put(envName(k), k));
    }
    return out;
  }

  /** The {@code @WithDefault} of a key, or null. */
  static String defaultOf(Class<?> mapping, String key) {
    Method leaf = keys(mapping).get(key);
    if (leaf == null) {
      throw new IllegalArgumentException(key + " is not a key of " + mapping.getName());
    }
    WithDefault d = leaf.getAnnotation(WithDefault.class);
    return d == null ? null : d.value();
  }

  private static void walk(Class<?> type, String prefix, Map<String, Method> out) {
    for (Method m : type.getMethods()) {
      if (!Modifier.isAbstract(m.getModifiers()) || m.getParameterCount() != 0) {
        continue;
      }
      String key;
      if (m.isAnnotationPresent(WithParentName.class)) {
        key = prefix;
      } else {
        WithName n = m.getAnnotation(WithName.class);
        key = prefix + "." + (n != null ? n.value() : kebab(m.getName()));
      }
      Class<?> group = group(m.getGenericReturnType());
      if (group != null) {
        walk(group, key, out);
      } else if (!Map.class.isAssignableFrom(m.getReturnType())) {
        out.put(key, m);
      }
    }
  }

  /** The nested config group a method returns (itself or inside an Optional), or null. */
  private static Class<?> group(Type t) {
    if (t instanceof ParameterizedType p) {
      return p.getRawType() == Optional.class ? group(p.getActualTypeArguments()[0]) : null;
    }
    if (t instanceof Class<?> c && c.isInterface() && !c.getName().startsWith("java.")) {
      return c;
    }
    return null;
  }

  private static String kebab(String camel) {
    StringBuilder b = new StringBuilder();
    for (char ch : camel.toCharArray()) {
      if (Character.isUpperCase(ch)) {
        b.append('-').append(Character.toLowerCase(ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  /**
   * True when one of {@link #ENGINE_READERS} holds {@code env} as a whole string constant (a
   * CONSTANT_Utf8 entry of exactly these bytes), i.e. the engine looks this variable up.
   */
  static boolean engineReads(String env) {
    byte[] s = env.getBytes(StandardCharsets.UTF_8);
    byte[] needle = new byte[s.length + 3];
    needle[0] = 1; // CONSTANT_Utf8 tag, then the u2 length
    needle[1] = (byte) (s.length >> 8);
    needle[2] = (byte) s.length;
    System.arraycopy(s, 0, needle, 3, s.length);
    for (String cls : ENGINE_READERS) {
      String res = "/" + cls.replace('.', '/') + ".class";
      try (InputStream in = ConfigKeys.class.getResourceAsStream(res)) {
        if (in == null) {
          throw new IllegalStateException("engine class not on the classpath: " + cls);
        }
        if (indexOf(in.readAllBytes(), needle) >= 0) {
          return true;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return false;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
