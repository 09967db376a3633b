package dev.topiary.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The configuration keys a module's code and properties declare, read from its files: {@code
 * .properties} keys (a {@code %profile.} prefix dropped), {@code @ConfigProperty(name = ...)}
 * names, and the keys of {@code @ConfigMapping} interfaces (prefix, then each method in
 * kebab-case, nested interfaces as further segments). Environment variables map to keys by
 * MicroProfile Config's rule: every non-alphanumeric character becomes {@code _}, then upper case.
 */
public final class ConfigKeys {
  private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern PROPERTY = Pattern.compile("@ConfigProperty\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");
  private static final Pattern METHOD = Pattern.compile("^\\s*(?:default\\s+)?([\\w.<>,?\\[\\] ]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
  private static final Pattern NESTED = Pattern.compile("^\\s*(?:public\\s+|static\\s+)*interface\\s+(\\w+)");
  private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"");

  private ConfigKeys() {}

  /** The last segment of a map-valued key: any name. */
  public static final String WILDCARD = "*";

  /** Whether {@code envVar} sets {@code key}; a key ending in {@code .*} (a map) takes any non-empty suffix. */
  public static boolean envSets(String key, String envVar) {
    if (key.endsWith("." + WILDCARD)) {
      String stem = envName(key.substring(0, key.length() - 2)) + "_";
      return envVar.startsWith(stem) && envVar.length() > stem.length();
    }
    return envName(key).equals(envVar);
  }

  /** The environment variable MicroProfile Config reads for {@code key}. */
  public static String envName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** The keys of a properties file, profiles stripped. */
  public static Set<String> ofProperties(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Set<String> keys = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      keys.add(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key);
    }
    return keys;
  }

  /** The keys declared by the Java sources under {@code sourceRoot} (none when it is missing). */
  public static Set<String> ofSources(Path sourceRoot) {
    Set<String> keys = new TreeSet<>();
    if (!Files.isDirectory(sourceRoot)) {
      return keys;
    }
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        keys.addAll(ofSource(Files.readString(file)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read sources under " + sourceRoot, e);
    }
    return keys;
  }

  /** The keys one Java source declares. */
  static Set<String> ofSource(String source) {
    Set<String> keys = new TreeSet<>();
    Matcher property = PROPERTY.matcher(source);
    while (property.find()) {
      keys.add(property.group(1));
    }
    Matcher mapping = MAPPING.matcher(source);
    if (mapping.find()) {
      keys.addAll(mappingKeys(mapping.group(1), source.substring(mapping.end())));
    }
    return keys;
  }

  /** Walks the interface body line by line: methods at depth 1, nested interfaces' at depth 2. */
  private static Set<String> mappingKeys(String prefix, String body) {
    Map<String, List<String>> nested = new HashMap<>();
    List<String[]> methods = new ArrayList<>();
    int depth = 0;
    String currentNested = null;
    String pendingName = null;
    for (String line : body.split("\n")) {
      String code = line.replaceAll("\\{@[^}]*}", "").replaceAll("(^|\\s)//.*", "");
      Matcher withName = WITH_NAME.matcher(code);
      if (withName.find()) {
        pendingName = withName.group(1);
      }
      Matcher nestedDecl = NESTED.matcher(code);
      if (depth == 1 && nestedDecl.find()) {
        currentNested = nestedDecl.group(1);
        nested.put(currentNested, new ArrayList<>());
      }
      Matcher method = METHOD.matcher(code);
      if (method.find() && !code.contains("*")) {
        String name = pendingName != null ? pendingName : kebab(method.group(2));
        pendingName = null;
        if (depth == 1) {
          methods.add(new String[] {method.group(1).trim(), name});
        } else if (depth == 2 && currentNested != null) {
          nested.get(currentNested).add(name);
        }
      }
      for (char c : code.toCharArray()) {
        depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      }
      if (depth <= 0 && line.contains("}")) {
        break;
      }
    }
    Set<String> keys = new TreeSet<>();
    for (String[] m : methods) {
      List<String> children = nested.get(m[0]);
      if (children == null) {
        // a Map<String, ...> mapping takes any key below its name: prefix.name.*
        keys.add(prefix + "." + m[1] + (m[0].startsWith("Map<") ? "." + WILDCARD : ""));
      } else {
        children.forEach(child -> keys.add(prefix + "." + m[1] + "." + child));
      }
    }
    return keys;
  }

  /** {@code intraOpThreads} to {@code intra-op-threads}, as SmallRye Config names mapping methods. */
  static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }
}
