package dev.topiary.engine.prune.sparse;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a sparse model reached: per Conv/Gemm weight, its size, its zeros and their fraction, over
 * all of them the same totals, and the model's size on disk before and after (raw and zipped, as
 * {@link ModelSize} measures the files {@link Model#save} writes). Zeros are counted in the sparse
 * model's weights, so zeros that were there before pruning count too. Immutable.
 */
public final class SparsityReport {
  private final List<Layer> layers;
  private final ModelSize before;
  private final ModelSize after;

  /**
   * One prunable weight.
   *
   * @param note why it was left alone (e.g. skipped by N:M), or empty
   */
  public record Layer(ParamKey weight, long weights, long zeros, String note) {
    /** Zeros over weights. */
    public double sparsity() {
      return weights == 0 ? 0 : (double) zeros / weights;
    }
  }

  private SparsityReport(List<Layer> layers, ModelSize before, ModelSize after) {
    this.layers = List.copyOf(layers);
    this.before = before;
    this.after = after;
  }

  /** Compares a model with its sparse version; measuring sizes writes both to a temporary folder. */
  public static SparsityReport of(Model dense, Model sparse) throws IOException {
    return of(dense, sparse, Map.of());
  }

  /** As {@link #of(Model, Model)}, with a note per weight, such as {@link NmPruner.NmPruning#skipped()}. */
  public static SparsityReport of(Model dense, Model sparse, Map<ParamKey, String> notes) throws IOException {
    List<Layer> rows = new ArrayList<>();
    for (ParamKey k : PrunableWeights.of(sparse.graph()).keySet()) {
      float[] w = sparse.weights().get(k).data();
      long zeros = 0;
      for (float v : w) {
        if (v == 0f) {
          zeros++;
        }
      }
      rows.add(new Layer(k, w.length, zeros, notes.getOrDefault(k, "")));
    }
    return new SparsityReport(rows, sizeOf(dense), sizeOf(sparse));
  }

  public List<Layer> layers() {
    return layers;
  }

  /** The row of one weight. */
  public Layer layer(ParamKey weight) {
    return layers.stream().filter(l -> l.weight().equals(weight)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("weight: " + weight + " is not a Conv/Gemm weight of this report"));
  }

  /** Conv and Gemm weights in the model. */
  public long totalWeights() {
    return layers.stream().mapToLong(Layer::weights).sum();
  }

  public long totalZeros() {
    return layers.stream().mapToLong(Layer::zeros).sum();
  }

  /** Zeros over all Conv and Gemm weights. */
  public double totalSparsity() {
    long n = totalWeights();
    return n == 0 ? 0 : (double) totalZeros() / n;
  }

  /** The dense model's size on disk. */
  public ModelSize sizeBefore() {
    return before;
  }

  /** The sparse model's size on disk. */
  public ModelSize sizeAfter() {
    return after;
  }

  /** A plain-text table: one line per weight, the total, then the sizes. */
  public String toTable() {
    int width = Math.max("total".length(), layers.stream().mapToInt(l -> l.weight().tensorName().length()).max().orElse(0));
    String row = "%-" + width + "s  %12s  %12s  %8s  %s%n";
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, row, "weight", "weights", "zeros", "sparsity", "note"));
    for (Layer l : layers) {
      b.append(String.format(Locale.ROOT, row, l.weight().tensorName(), count(l.weights()), count(l.zeros()), percent(l.sparsity()), l.note()));
    }
    b.append(String.format(Locale.ROOT, row, "total", count(totalWeights()), count(totalZeros()), percent(totalSparsity()), ""));
    b.append(String.format(Locale.ROOT, "size raw:    %s -> %s bytes%n", count(before.rawBytes()), count(after.rawBytes())));
    b.append(String.format(Locale.ROOT, "size zipped: %s -> %s bytes (%s of dense)%n",
        count(before.zippedBytes()), count(after.zippedBytes()), percent((double) after.zippedBytes() / before.zippedBytes())));
    return b.toString();
  }

  @Override
  public String toString() {
    return toTable();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String percent(double f) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * f);
  }

  private static ModelSize sizeOf(Model model) throws IOException {
    Path dir = Files.createTempDirectory("topiary-size-");
    try {
      model.save(dir);
      try (Stream<Path> files = Files.list(dir)) {
        return ModelSize.of(files.sorted().toList());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
