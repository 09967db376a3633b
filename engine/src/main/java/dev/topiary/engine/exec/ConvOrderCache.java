package dev.topiary.engine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory orders {@link ConvOrder#AUTO} measured on this machine, kept in a file so that a graph
 * measured once runs in the same order in every later process: a rerun of a seeded job, a service
 * restarted mid-job, or the next epoch's step on another instance of the same machine. Without it,
 * each process decided anew from a few timed passes, and a near-tie could go either way; the two
 * orders round differently, so two runs of one seeded job trained to different figures.
 *
 * <p>An entry is keyed by the CPU (its model name), the intra-op threads, the graph (a SHA-256 of
 * its {@code graph.json}: a pruned graph is another graph), whether the pass records gradients, and
 * the input shape ({@link GraphBlock}'s {@code OrderKey}); it holds the order and the two timings
 * that chose it. The file is {@value #FORMAT} JSON, rewritten whole (read, merged, written aside,
 * renamed) under a lock on a sibling {@code .lock} file, so concurrent processes merge their entries.
 * An unreadable file is ignored (and replaced on the next write); the cache only saves measuring.
 *
 * <p>Where: the system property {@value #PROPERTY}, a path or {@code off}; by default {@code
 * ~/.cache/topiary/conv-orders.json}.
 */
final class ConvOrderCache {
  static final String PROPERTY = "topiary.conv-order-cache";
  static final String FORMAT = "topiary-conv-orders";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile String cpu;

  private ConvOrderCache() {}

  /** The key of one choice. */
  record Key(String cpu, int threads, String graph, boolean gradients, boolean training, List<Long> shape) {
    String id() {
      return cpu + "|" + threads + "|" + graph + "|" + gradients + "|" + training + "|" + shape;
    }
  }

  /** The cache file, or empty when the property says {@code off}. */
  static Optional<Path> file() {
    String v = System.getProperty(PROPERTY, "").trim();
    if (v.equalsIgnoreCase("off")) {
      return Optional.empty();
    }
    return Optional.of(v.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache", "topiary", "conv-orders.json") : Path.of(v));
  }

  /** A graph's part of the key: the SHA-256 of its JSON form. */
  static String graphId(Graph g) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(GraphJson.write(g).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** This machine's CPU model name (from {@code /proc/cpuinfo}), or the architecture where there is none. */
  static String cpu() {
    String c = cpu;
    if (c == null) {
      c = System.getProperty("os.arch");
      try {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
          if (line.startsWith("model name")) {
            c = line.substring(line.indexOf(':') + 1).trim();
            break;
          }
        }
      } catch (IOException | UncheckedIOException e) {
        // not Linux: the architecture stands for the machine
      }
      cpu = c;
    }
    return c;
  }

  /** The stored choice for {@code key}, if any. */
  static Optional<GraphBlock.ConvOrderChoice> find(Path file, Key key, ai.djl.ndarray.types.Shape shape) {
    JsonNode e = read(file).get(key.id());
    if (e == null) {
      return Optional.empty();
    }
    try {
      ConvOrder order = ConvOrder.valueOf(e.path("order").asText());
      if (order == ConvOrder.AUTO) {
        return Optional.empty();
      }
      return Optional.of(new GraphBlock.ConvOrderChoice(key.gradients(), key.training(), shape, order, e.path("channelsLastMs").asDouble(),
          e.path("contiguousMs").asDouble(), true));
    } catch (IllegalArgumentException bad) {
      return Optional.empty();
    }
  }

  /** Adds or replaces {@code key}'s choice; a cache that cannot be written is left as it is. */
  static void store(Path file, Key key, GraphBlock.ConvOrderChoice choice) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path lock = file.resolveSibling(file.getFileName() + ".lock");
      try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock l = ch.lock()) {
        Map<String, JsonNode> entries = read(file);
        ObjectNode e = JSON.createObjectNode();
        e.put("order", choice.order().name());
        e.put("channelsLastMs", choice.channelsLastMs());
        e.put("contiguousMs", choice.contiguousMs());
        entries.put(key.id(), e);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        ObjectNode all = root.putObject("entries");
        entries.forEach(all::set);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException | UncheckedIOException e) {
      // a read-only home or a full disk: the next process measures again
    }
  }

  private static Map<String, JsonNode> read(Path file) {
    Map<String, JsonNode> entries = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return entries;
    }
    try {
      JsonNode root = JSON.readTree(file.toFile());
      if (root != null && FORMAT.equals(root.path("format").asText()) && root.path("entries").isObject()) {
        root.path("entries").fields().forEachRemaining(f -> entries.put(f.getKey(), f.getValue()));
      }
    } catch (IOException e) {
      // unreadable: measured again, replaced on the next write
    }
    return entries;
  }

  /** The shape as a list, for the key. */
  static List<Long> dims(ai.djl.ndarray.types.Shape shape) {
    return java.util.Arrays.stream(shape.getShape()).boxed().toList();
  }
}
