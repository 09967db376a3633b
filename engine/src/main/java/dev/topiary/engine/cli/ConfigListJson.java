package dev.topiary.engine.cli;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.select.PruneConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an NNI-style config list file: a JSON array of entries such as
 * {@code {"opTypes": ["Conv"], "opNames": ["conv1"], "opNamePatterns": ["layer1\\..*"], "sparsity": 0.5, "exclude": false}},
 * NNI's snake-case names ({@code op_types}, {@code op_names}, {@code sparsity_per_layer}) accepted too. Unknown
 * fields are errors.
 */
final class ConfigListJson {
  private ConfigListJson() {}

  record Entry(
      @JsonAlias("op_types") List<String> opTypes,
      @JsonAlias("op_names") List<String> opNames,
      List<String> opNamePatterns,
      @JsonAlias("sparsity_per_layer") Double sparsity,
      Boolean exclude) {}

  /** @throws IllegalArgumentException naming the file and, for a bad entry, its index */
  static List<PruneConfig> read(Path file) {
    Entry[] entries;
    try {
      entries = new ObjectMapper().readValue(Files.readString(file), Entry[].class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": missing");
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not a config list (a JSON array of entries): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    if (entries == null || entries.length == 0) {
      throw new IllegalArgumentException(file + ": the config list is empty");
    }
    List<PruneConfig> out = new ArrayList<>();
    for (int i = 0; i < entries.length; i++) {
      try {
        out.add(toConfig(entries[i]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": entry #" + i + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static PruneConfig toConfig(Entry e) {
    if (e == null) {
      throw new IllegalArgumentException("null entry");
    }
    PruneConfig.Builder b = PruneConfig.builder();
    if (e.opTypes() != null) {
      b.optOpTypes(e.opTypes().stream().map(ConfigListJson::opType).toArray(OpType[]::new));
    }
    if (e.opNames() != null) {
      b.optOpNames(e.opNames().toArray(String[]::new));
    }
    if (e.opNamePatterns() != null) {
      b.optOpNamePatterns(e.opNamePatterns().toArray(String[]::new));
    }
    if (Boolean.TRUE.equals(e.exclude())) {
      b.optExclude();
    }
    if (e.sparsity() != null) {
      b.setSparsity(e.sparsity());
    }
    return b.build();
  }

  private static OpType opType(String name) {
    OpType t = PruneConfig.prunableType(name);
    if (t == null) {
      throw new IllegalArgumentException("opTypes: unknown op type '" + name + "'; valid: Conv, Gemm (or NNI's Conv2d, Linear)");
    }
    return t;
  }
}
