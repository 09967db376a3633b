package dev.topiary.engine.weights;

import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The parameters of one model: a tensor for each {@link ParamKey}, stored as safetensors with
 * tensor names {@link ParamKey#tensorName()}.
 *
 * <p>Keys iterate in insertion order; {@link #read} inserts in the file's data order, which is
 * sorted by tensor name. Tensors are held, not copied (see {@link Tensor}). Not thread-safe.
 *
 * <p>The contract with a graph is a plain {@code Map<ParamKey, int[]>} of expected shapes: {@link
 * #checkAgainst} verifies that these weights hold exactly those parameters with exactly those
 * shapes, so this class needs nothing else from the graph package.
 */
public final class Weights {
  private final Map<ParamKey, Tensor> tensors = new LinkedHashMap<>();

  /** Empty weights. */
  public Weights() {}

  /**
   * Reads weights from a safetensors file.
   *
   * @throws InvalidWeightsException when the file is invalid or a tensor name is not {@code
   *     <node>.<role>} with a known role
   * @throws IOException when the file cannot be opened or read
   */
  public static Weights read(Path file) throws IOException {
    return fromFile(SafetensorsFile.read(file), file.toString());
  }

  /** Reads weights from safetensors bytes; {@code source} names them in error messages. */
  public static Weights read(byte[] bytes, String source) {
    return fromFile(SafetensorsFile.read(bytes, source), source);
  }

  /** Weights from the tensors of a safetensors file; its metadata is not kept. */
  public static Weights fromFile(SafetensorsFile file, String source) {
    Weights weights = new Weights();
    for (Map.Entry<String, Tensor> e : file.tensors().entrySet()) {
      ParamKey key = ParamKey.parse(e.getKey());
      if (key == null) {
        throw new InvalidWeightsException(
            source + ": tensor name '" + e.getKey() + "' is not <node>.<role> with a role among "
                + Arrays.stream(ParamRole.values()).map(ParamRole::key).toList());
      }
      weights.tensors.put(key, e.getValue());
    }
    return weights;
  }

  /** Writes these weights as F32 safetensors without metadata. */
  public void write(Path file) throws IOException {
    toFile(Map.of()).write(file);
  }

  /** Writes these weights as F32 safetensors with a {@code __metadata__} string map. */
  public void write(Path file, Map<String, String> metadata) throws IOException {
    toFile(metadata).write(file);
  }

  /** The safetensors encoding, for weights that fit in memory. */
  public byte[] toBytes() {
    return toFile(Map.of()).toBytes();
  }

  /** These weights as a safetensors file, with the given metadata. */
  public SafetensorsFile toFile(Map<String, String> metadata) {
    Map<String, Tensor> named = new LinkedHashMap<>();
    tensors.forEach((key, tensor) -> named.put(key.tensorName(), tensor));
    return new SafetensorsFile(named, metadata);
  }

  /**
   * The tensor for {@code key}.
   *
   * @throws InvalidWeightsException when there is none
   */
  public Tensor get(ParamKey key) {
    Tensor t = tensors.get(Objects.requireNonNull(key, "key"));
    if (t == null) {
      throw new InvalidWeightsException("no tensor " + key.tensorName() + " in these weights");
    }
    return t;
  }

  public boolean contains(ParamKey key) {
    return tensors.containsKey(key);
  }

  /** Sets the tensor for {@code key}; returns the one it replaces, or null. */
  public Tensor put(ParamKey key, Tensor tensor) {
    Objects.requireNonNull(key, "key");
    return tensors.put(key, Objects.requireNonNull(tensor, "tensor"));
  }

  /** Removes the tensor for {@code key}; returns it, or null when there was none. */
  public Tensor remove(ParamKey key) {
    return tensors.remove(key);
  }

  /** The keys in iteration order, as an unmodifiable live view. */
  public Set<ParamKey> keys() {
    return Collections.unmodifiableSet(tensors.keySet());
  }

  public int size() {
    return tensors.size();
  }

  /**
   * Checks that these weights hold exactly the expected parameters with the expected shapes.
   *
   * @param expected the shape of every parameter the graph needs
   * @param source names these weights in the message, e.g. the file
   * @throws InvalidWeightsException listing every problem, one per line: wrong shapes first, then
   *     missing tensors, then unexpected ones
   */
  public void checkAgainst(Map<ParamKey, int[]> expected, String source) {
    List<String> wrongShape = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<ParamKey, int[]> e : expected.entrySet()) {
      String name = e.getKey().tensorName();
      int[] want = Objects.requireNonNull(e.getValue(), () -> "expected shape of " + name);
      Tensor have = tensors.get(e.getKey());
      if (have == null) {
        missing.add("missing " + name + ": the graph expects shape " + Arrays.toString(want));
      } else if (!have.hasShape(want)) {
        wrongShape.add(
            "wrong shape for " + name + ": weights have " + Arrays.toString(have.shape())
                + ", the graph expects " + Arrays.toString(want));
      }
    }
    List<String> unexpected =
        tensors.entrySet().stream()
            .filter(e -> !expected.containsKey(e.getKey()))
            .map(
                e -> "unexpected " + e.getKey().tensorName() + " with shape "
                    + Arrays.toString(e.getValue().shape()) + ": not a parameter of the graph")
            .toList();
    List<String> problems =
        Stream.of(wrongShape, missing, unexpected).flatMap(List::stream).toList();
    if (!problems.isEmpty()) {
      throw new InvalidWeightsException(
          source + ": weights do not fit the graph (" + problems.size() + " problem"
              + (problems.size() == 1 ? "" : "s") + "):\n  "
              + String.join("\n  ", problems));
    }
  }

  @Override
  public String toString() {
    return "Weights" + tensors.entrySet().stream()
        .map(e -> e.getKey().tensorName() + Arrays.toString(e.getValue().shape()))
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
