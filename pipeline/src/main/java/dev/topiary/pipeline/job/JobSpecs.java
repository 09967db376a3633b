package dev.topiary.pipeline.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.zoo.Zoo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads, checks and writes job specs. Stateless and thread-safe.
 *
 * <p>Parsing is strict: duplicate keys, unknown fields, wrong types, out-of-range values and
 * contradictory choices are problems, and all of them are reported together. For a zoo model the
 * graph is built and the graph checks run as part of parsing; for a stored graph the caller loads
 * it and calls {@link #problems(JobSpec, Graph)}.
 */
public final class JobSpecs {
  /** The spec format version this code reads and writes. */
  public static final int VERSION = 1;

  /** The two text forms of a spec. */
  public enum Format {
    JSON,
    YAML;

    /** By file name: {@code .json} is JSON, {@code .yaml}/{@code .yml} YAML. */
    public static Format ofFileName(String name) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(".json")) {
        return JSON;
      }
      if (n.endsWith(".yaml") || n.endsWith(".yml")) {
        return YAML;
      }
      throw new IllegalArgumentException(name + ": expected a .json, .yaml or .yml file");
    }
  }

  private static final ObjectMapper JSON_READER = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper YAML_READER = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper WRITER = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build();

  private JobSpecs() {}

  public static JobSpec parseJson(String text) {
    return parse(text, Format.JSON);
  }

  public static JobSpec parseYaml(String text) {
    return parse(text, Format.YAML);
  }

  /**
   * A valid spec, defaults filled in.
   *
   * @throws InvalidJobSpecException listing every problem found
   */
  public static JobSpec parse(String text, Format format) {
    Problems p = new Problems();
    JsonNode root = tree(text, format, p);
    if (root == null) {
      throw new InvalidJobSpecException(p.list());
    }
    JobSpec spec = JobSpecReader.read(root, p);
    JobSpecValidator.validate(spec, p);
    zooChecks(spec, p);
    if (!p.isEmpty()) {
      throw new InvalidJobSpecException(p.list());
    }
    return spec;
  }

  /** Every problem of a spec built by hand, graph checks included for a zoo model; empty when it is valid. */
  public static List<SpecProblem> problems(JobSpec spec) {
    Problems p = new Problems();
    JobSpecValidator.validate(spec, p);
    zooChecks(spec, p);
    return p.list();
  }

  /** Every problem of a spec whose model is this graph (a stored graph the caller loaded); empty when valid. */
  public static List<SpecProblem> problems(JobSpec spec, Graph graph) {
    Problems p = new Problems();
    JobSpecValidator.validate(spec, p);
    GraphChecks.check(spec, graph, p);
    return p.list();
  }

  /**
   * The graph of a zoo model.
   *
   * @throws IllegalStateException when the spec names a stored graph instead
   */
  public static Graph zooGraph(JobSpec spec) {
    if (spec.model() == null || spec.model().zoo() == null) {
      throw new IllegalStateException("spec '" + spec.name() + "' names no zoo model; load its graph from the store");
    }
    return Zoo.build(spec.model().modelSpec());
  }

  /** The canonical JSON (defaults explicit, absent options left out), which {@link #parseJson} reads back to an equal spec. */
  public static String toJson(JobSpec spec) {
    try {
      return WRITER.writeValueAsString(spec);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write spec '" + spec.name() + "': " + e.getOriginalMessage(), e);
    }
  }

  private static void zooChecks(JobSpec spec, Problems p) {
    if (spec.model() == null || spec.model().zoo() == null || p.hasUnder("model")) {
      return;
    }
    Graph graph;
    try {
      graph = zooGraph(spec);
    } catch (TopiaryException | IllegalArgumentException e) {
      p.add("model.inputShape", e.getMessage());
      return;
    }
    GraphChecks.check(spec, graph, p);
  }

  private static JsonNode tree(String text, Format format, Problems p) {
    if (text == null || text.isBlank()) {
      p.add("", "the spec is empty: expected an object with name, model, dataset, prune and schedule");
      return null;
    }
    JsonNode root;
    ObjectMapper reader = format == Format.JSON ? JSON_READER : YAML_READER;
    try (JsonParser parser = reader.createParser(text)) {
      root = reader.readTree(parser);
      // one spec: a second JSON value or YAML document after it would otherwise be ignored without a word
      if (root != null && parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        p.add("", "more than one " + format + " document: another starts at line " + at.getLineNr() + ", column " + at.getColumnNr()
            + "; send one spec");
        return null;
      }
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      p.add("", "malformed " + format + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ": " + essence(e.getOriginalMessage()));
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading a spec from a string", e); // a String source does not fail
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      p.add("", "the spec is empty: expected an object with name, model, dataset, prune and schedule");
      return null;
    }
    if (format == Format.YAML && aliases(text, p)) {
      return null;
    }
    if (!root.isObject()) {
      p.add("", "expected an object with name, model, dataset, prune and schedule at the top, got " + SpecNode.describe(root));
      return null;
    }
    return root;
  }

  /**
   * Reports every YAML alias ({@code *name}) at its path; true when there is one. Jackson's YAML
   * reader does not resolve aliases: it reads {@code *fit} as the string {@code "fit"}, so {@code
   * name: *n} would silently name the job "n" and an aliased object would be refused as a string.
   */
  private static boolean aliases(String text, Problems p) {
    boolean found = false;
    try (YAMLParser parser = (YAMLParser) YAML_READER.createParser(text)) {
      while (parser.nextToken() != null) {
        if (parser.isCurrentAlias()) {
          p.add(path(parser.getParsingContext()), "a YAML alias (*" + parser.getText() + ") is not read in a spec: write the value out");
          found = true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading a spec that parsed once", e); // the same text parsed above
    }
    return found;
  }

  /** A parser context as a spec path: {@code schedule.finalTune}, {@code eval.batchSizes[0]}. */
  private static String path(JsonStreamContext context) {
    StringBuilder sb = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      sb.insert(0, c.inArray() ? "[" + c.getCurrentIndex() + "]" : "." + c.getCurrentName());
    }
    return sb.length() > 0 && sb.charAt(0) == '.' ? sb.substring(1) : sb.toString();
  }

  /** A parser message without the source excerpt and caret lines. */
  private static String essence(String message) {
    return Arrays.stream(String.valueOf(message).split("\n"))
        .filter(l -> !l.startsWith("    ")) // the excerpt and its caret
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.startsWith("at [Source"))
        .collect(Collectors.joining("; "));
  }
}
