package dev.topiary.engine.prune.sparse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.SafetensorsFile;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which weights of a model are kept: for some Conv/Gemm weights ({@link ParamKey} with role {@code
 * weight}), a flag per element, in the weight's row-major order. Weights without a mask are dense.
 *
 * <p>Invariants: every masked parameter is the weight of a Conv or Gemm node and its flags have
 * exactly the element count of its shape; masks iterate in the order given (the pruners use
 * topological order). Immutable: flags are copied in and out.
 *
 * <p>Stored as {@value #FILE_NAME} next to a model's files: one F32 tensor of 0.0 (pruned) and 1.0
 * (kept) per masked weight, named as the weight ({@code conv1.weight}), so that Python's {@code
 * safetensors} reads it too. Reading checks every tensor against the graph.
 */
public final class SparsityMask {
  /** The file name of masks stored next to a model. */
  public static final String FILE_NAME = "masks.safetensors";

  private final Map<ParamKey, int[]> shapes;
  private final Map<ParamKey, boolean[]> keep;

  private SparsityMask(Map<ParamKey, int[]> shapes, Map<ParamKey, boolean[]> keep) {
    this.shapes = Collections.unmodifiableMap(shapes);
    this.keep = Collections.unmodifiableMap(keep);
  }

  /**
   * A mask for the given weights of {@code graph}, checked against it.
   *
   * @param keep per weight, true for each element that is kept
   * @throws InvalidPruningConfigException when a key is not the weight of a Conv or Gemm node of
   *     the graph, or a flag array does not have the weight's element count
   */
  public static SparsityMask of(Graph graph, Map<ParamKey, boolean[]> keep) {
    Map<ParamKey, int[]> prunable = PrunableWeights.of(graph);
    Map<ParamKey, int[]> shapes = new LinkedHashMap<>();
    Map<ParamKey, boolean[]> flags = new LinkedHashMap<>();
    for (Map.Entry<ParamKey, boolean[]> e : keep.entrySet()) {
      int[] shape = requirePrunable(graph, prunable, e.getKey(), "mask");
      if (e.getValue().length != PrunableWeights.size(shape)) {
        throw new InvalidPruningConfigException("mask for " + e.getKey() + " has " + e.getValue().length
            + " flags but the weight has shape " + Arrays.toString(shape) + " (" + PrunableWeights.size(shape) + " elements)");
      }
      shapes.put(e.getKey(), shape);
      flags.put(e.getKey(), e.getValue().clone());
    }
    return new SparsityMask(shapes, flags);
  }

  /** For pruners that built the flags from the graph's own shapes: no check, no copy. */
  static SparsityMask trusted(Map<ParamKey, int[]> shapes, Map<ParamKey, boolean[]> keep) {
    return new SparsityMask(new LinkedHashMap<>(shapes), new LinkedHashMap<>(keep));
  }

  /**
   * The mask of a model's current zeros: every Conv/Gemm weight, keeping its non-zero elements.
   * Useful to go on fine-tuning a sparse model whose masks were not stored.
   */
  public static SparsityMask ofNonZeros(Model model) {
    Map<ParamKey, int[]> shapes = PrunableWeights.of(model.graph());
    Map<ParamKey, boolean[]> flags = new LinkedHashMap<>();
    for (ParamKey k : shapes.keySet()) {
      float[] w = model.weights().get(k).data();
      boolean[] f = new boolean[w.length];
      for (int i = 0; i < w.length; i++) {
        f[i] = w[i] != 0f;
      }
      flags.put(k, f);
    }
    return new SparsityMask(shapes, flags);
  }

  /** The masked weights, in iteration order. */
  public Set<ParamKey> keys() {
    return keep.keySet();
  }

  /** The shape of a masked weight. */
  public int[] shape(ParamKey key) {
    return require(key, shapes).clone();
  }

  /** A copy of the flags of a masked weight, true where kept. */
  public boolean[] keep(ParamKey key) {
    return require(key, keep).clone();
  }

  /** Number of pruned (false) flags of a masked weight. */
  public long pruned(ParamKey key) {
    long n = 0;
    for (boolean k : require(key, keep)) {
      if (!k) {
        n++;
      }
    }
    return n;
  }

  /**
   * A new model whose masked weights are zero where pruned; the graph and history are the same.
   * Tensors of unmasked parameters are shared with {@code model} (as {@link Weights} holds
   * tensors without copying); masked ones are new. {@code model} is not changed.
   *
   * @throws InvalidPruningConfigException when a masked weight is not in the model's graph or has
   *     another shape there
   */
  public Model applyTo(Model model) {
    Map<ParamKey, int[]> prunable = PrunableWeights.of(model.graph());
    Weights out = new Weights();
    for (ParamKey k : model.weights().keys()) {
      out.put(k, model.weights().get(k));
    }
    for (Map.Entry<ParamKey, boolean[]> e : keep.entrySet()) {
      int[] have = requirePrunable(model.graph(), prunable, e.getKey(), "mask");
      requireShape(e.getKey(), shapes.get(e.getKey()), have, "the mask");
      float[] w = model.weights().get(e.getKey()).data().clone();
      boolean[] flags = e.getValue();
      for (int i = 0; i < w.length; i++) {
        if (!flags[i]) {
          w[i] = 0f;
        }
      }
      out.put(e.getKey(), new Tensor(have, w));
    }
    return model.withWeights(out);
  }

  /**
   * The masks as {@link dev.topiary.engine.train.TrainingRun.Builder#optMasks} takes them: by
   * parameter name ({@code conv1.weight}), float32 arrays of 0 and 1 of the weight's shape,
   * created in {@code manager} (whose owner closes them).
   */
  public Map<String, NDArray> toNDArrays(NDManager manager) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (ParamKey k : keep.keySet()) {
      out.put(k.tensorName(), manager.create(toFloats(keep.get(k)), new Shape(Arrays.stream(shapes.get(k)).asLongStream().toArray())));
    }
    return out;
  }

  /** Writes the masks as a safetensors file, replacing any existing one atomically. */
  public void write(Path file) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    keep.forEach((k, flags) -> tensors.put(k.tensorName(), new Tensor(shapes.get(k), toFloats(flags))));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      new SafetensorsFile(tensors, Map.of("format", "topiary-masks")).write(tmp);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@value #FILE_NAME} into a model folder (which must exist). */
  public void writeTo(Path modelDir) throws IOException {
    write(modelDir.resolve(FILE_NAME));
  }

  /**
   * Reads masks written by {@link #write} (or by Python: any F32/F16/BF16 tensors of 0 and 1) and
   * checks them against {@code graph}.
   *
   * @throws InvalidPruningConfigException naming the tensor when its name is not {@code
   *     <node>.weight} of a Conv or Gemm node of the graph, when its shape differs from the
   *     weight's (both shapes named), or when it holds values other than 0 and 1
   * @throws dev.topiary.engine.InvalidWeightsException when the file is not valid safetensors
   */
  public static SparsityMask read(Path file, Graph graph) throws IOException {
    Map<ParamKey, int[]> prunable = PrunableWeights.of(graph);
    Map<ParamKey, int[]> shapes = new LinkedHashMap<>();
    Map<ParamKey, boolean[]> flags = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : SafetensorsFile.read(file).tensors().entrySet()) {
      ParamKey key = ParamKey.parse(e.getKey());
      if (key == null || key.role() != ParamRole.WEIGHT) {
        throw new InvalidPruningConfigException(file + ": mask '" + e.getKey() + "' is not named <node>.weight");
      }
      int[] expected = requirePrunable(graph, prunable, key, file + ": mask");
      requireShape(key, e.getValue().shape(), expected, file + ": the mask");
      shapes.put(key, expected);
      flags.put(key, toFlags(key, e.getValue().data(), file));
    }
    return new SparsityMask(shapes, flags);
  }

  /** Reads {@value #FILE_NAME} from a model folder. */
  public static SparsityMask readFrom(Path modelDir, Graph graph) throws IOException {
    return read(modelDir.resolve(FILE_NAME), graph);
  }

  private static int[] requirePrunable(Graph graph, Map<ParamKey, int[]> prunable, ParamKey key, String what) {
    if (key.role() != ParamRole.WEIGHT || !graph.hasNode(key.node())) {
      throw new InvalidPruningConfigException(what + " " + key + ": graph '" + graph.name() + "' has no such weight");
    }
    Node n = graph.node(key.node());
    int[] shape = prunable.get(key);
    if (shape == null) {
      throw new InvalidPruningConfigException(what + " " + key + ": node " + n + " is not a Conv or Gemm; only their weights are masked");
    }
    return shape;
  }

  private static void requireShape(ParamKey key, int[] mask, int[] weight, String what) {
    if (!Arrays.equals(mask, weight)) {
      throw new InvalidPruningConfigException(what + " for " + key + " has shape " + Arrays.toString(mask)
          + " but the weight has shape " + Arrays.toString(weight));
    }
  }

  private static boolean[] toFlags(ParamKey key, float[] values, Path file) {
    boolean[] f = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] == 1f) {
        f[i] = true;
      } else if (values[i] != 0f) {
        throw new InvalidPruningConfigException(file + ": mask " + key + " holds " + values[i] + " at element " + i + "; masks hold only 0 and 1");
      }
    }
    return f;
  }

  private static float[] toFloats(boolean[] flags) {
    float[] f = new float[flags.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = flags[i] ? 1f : 0f;
    }
    return f;
  }

  private static <T> T require(ParamKey key, Map<ParamKey, T> map) {
    T v = map.get(key);
    if (v == null) {
      throw new IllegalArgumentException("key: " + key + " is not masked; masked weights are " + keysText(map.keySet()));
    }
    return v;
  }

  private static String keysText(Set<ParamKey> keys) {
    return keys.stream().map(ParamKey::tensorName).toList().toString();
  }

  @Override
  public String toString() {
    return "SparsityMask" + keysText(keep.keySet());
  }
}
