package dev.topiary.engine.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.CapturedForward;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GradMode;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.CapturePoints;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.HRankImportance;
import dev.topiary.engine.prune.importance.Importance;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.train.EpochData;
import dev.topiary.engine.weights.SafetensorsFile;
import dev.topiary.engine.weights.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The Topiary half of bench/hrank: times HRank scoring ({@code Importances.byName("hrank").score})
 * over the first {@code --batches} test batches held in memory, and writes what the Python half
 * needs to run HRank's own rank_generation.py on the same model and images:
 *
 * <ul>
 *   <li>{@code model/} the model (graph.json, weights.safetensors);
 *   <li>{@code batches.safetensors} the exact input batches {@code batch<i>} [B,C,H,W] and their
 *       labels {@code labels<i>} [B], float32;
 *   <li>{@code topiary.json} timings, and the mean rank per channel of every conv's capture point
 *       from one more, untimed pass with the same rank kernel ({@link HRankImportance#rankSums}),
 *       checked against the group scores, with that pass's forward / rank split; then
 *       the ranks of the {@code --also} nodes from another pass.
 * </ul>
 */
@Command(name = "bench-hrank", mixinStandardHelpOptions = true,
    description = "Times HRank scoring on the first test batches and writes the model, the batches and the per-channel ranks "
        + "for bench/hrank/run_hrank.py (HRank's own rank_generation.py on the same inputs).")
final class BenchHRankCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin DataOptions data;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--batches", defaultValue = "5", description = "test batches measured (HRank's --limit; default ${DEFAULT-VALUE})")
  int batches;

  @Option(names = "--warmup", defaultValue = "1", description = "untimed scoring calls before the timed ones (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--repeats", defaultValue = "3", description = "timed scoring calls (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--also", split = ",", description = "more nodes whose ranks are written (not scored), e.g. layer1.0.relu2")
  List<String> also = List.of();

  @Option(names = "--out", required = true, description = "output folder")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (batches < 1 || warmup < 0 || repeats < 1) {
      throw new IllegalArgumentException("--batches and --repeats must be >= 1 and --warmup >= 0");
    }
    runtime.apply();
    Model m = model.modelOrInit();
    Graph g = m.graph();
    int testLimit = data.testLimit > 0 ? data.testLimit : batches * data.batch;
    List<Tensor[]> held = firstBatches(
        data.spec(model.seed).withLimits(data.trainLimit, testLimit).open(g.inputs().get(0).shape().toArray()).testData(), batches);
    Files.createDirectories(out);
    m.save(out.resolve("model"));
    Map<String, Tensor> named = new LinkedHashMap<>();
    for (int i = 0; i < held.size(); i++) {
      named.put("batch" + i, held.get(i)[0]);
      named.put("labels" + i, held.get(i)[1]);
    }
    new SafetensorsFile(named).write(out.resolve("batches.safetensors"));

    // the timed call: what `rank --criterion hrank` runs, minus reading and fitting the dataset
    DependencyGraph deps = DependencyGraph.of(g);
    Importance hrank = Importances.byName("hrank");
    ScoringData sd = ScoringData.of(inMemory(held), batches);
    double[] warm = new double[warmup];
    GroupScores scores = null;
    for (int i = 0; i < warmup; i++) {
      long t0 = System.nanoTime();
      scores = hrank.score(m, deps, sd);
      warm[i] = (System.nanoTime() - t0) / 1e9;
    }
    double[] timed = new double[repeats];
    double[] cpu = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long c0 = processCpuNanos();
      long t0 = System.nanoTime();
      scores = hrank.score(m, deps, sd);
      timed[i] = (System.nanoTime() - t0) / 1e9;
      cpu[i] = (processCpuNanos() - c0) / 1e9;
    }

    // the capture point of every conv and of every scored producer, plus --also, in graph order
    Set<String> producers = new LinkedHashSet<>();
    deps.prunableGroups().forEach(grp -> producers.addAll(grp.producers()));
    Map<String, String> captureOf = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      if (n.op() instanceof Conv || producers.contains(n.name())) {
        captureOf.put(n.name(), CapturePoints.of(g, n.name()));
      }
    }
    // the capture points in one more pass, serial (forward, then each point's ranks: no overlap, unlike
    // score()), for the ranks written and a forward / rank split of the work; then --also
    Map<String, double[]> means = new LinkedHashMap<>();
    double[] split = meanRanks(m, held, new LinkedHashSet<>(captureOf.values()), means);
    Set<String> extra = new LinkedHashSet<>(also);
    extra.removeAll(means.keySet());
    if (!extra.isEmpty()) {
      meanRanks(m, held, extra, means);
    }

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", g.name());
    doc.put("threads", runtime.threads);
    doc.put("interop", runtime.interop);
    doc.put("batches", held.size());
    doc.put("images", scores.images());
    doc.put("warmup_s", warm);
    doc.put("times_s", timed);
    doc.put("best_s", Arrays.stream(timed).min().orElseThrow());
    doc.put("median_s", median(timed));
    doc.put("cpu_s", cpu);
    doc.put("median_cpu_s", median(cpu));
    doc.put("scored_groups", scores.groupIds().size());
    // a serial pass, forward then ranks: what the work costs, not how the timed (overlapped) pass runs
    doc.put("rank_pass_split_s", Map.of("forward", split[0], "rank", split[1]));
    doc.put("max_abs_diff_vs_group_scores", checkAgainst(scores, deps, means));
    doc.put("capture_points", captureOf);
    doc.put("scored_producers", producers);
    Map<String, float[]> ranks = new LinkedHashMap<>();
    means.forEach((n, v) -> ranks.put(n, toFloats(v)));
    doc.put("ranks", ranks);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("topiary.json").toFile(), doc);
    System.out.printf(Locale.ROOT, "%s hrank over %d images (%d batches): warm-up %s s, timed %s s (median %.3f s, CPU %.3f s); "
            + "serial diagnostic pass: forward %.3f s, rank %.3f s; wrote %s%n",
        g.name(), scores.images(), held.size(), fmt(warm), fmt(timed), median(timed), median(cpu), split[0], split[1], out);
    return 0;
  }

  /** CPU time of the whole process (all threads, libtorch's included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** The first {@code n} batches of epoch 0 as {images, labels} float32 tensors. */
  private static List<Tensor[]> firstBatches(EpochData source, int n) {
    List<Tensor[]> held = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      Iterator<NDList> it = source.batches(0, manager).iterator();
      while (held.size() < n && it.hasNext()) {
        try (NDList b = it.next()) {
          held.add(new Tensor[] {tensor(b.get(0)), tensor(b.get(1))});
        }
      }
    }
    if (held.size() < n) {
      throw new IllegalArgumentException("the test split gave " + held.size() + " batches, fewer than --batches " + n);
    }
    return held;
  }

  private static Tensor tensor(NDArray a) {
    int[] shape = Arrays.stream(a.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
    return new Tensor(shape, a.toType(DataType.FLOAT32, false).toFloatArray());
  }

  private static NDArray array(NDManager manager, Tensor t) {
    return manager.create(t.data(), new Shape(Arrays.stream(t.shape()).asLongStream().toArray()));
  }

  /** The held batches, created afresh in the pass's manager for every epoch asked for. */
  private static EpochData inMemory(List<Tensor[]> held) {
    return (epoch, manager) -> () -> held.stream()
        .map(b -> new NDList(array(manager, b[0]), array(manager, b[1]).toType(DataType.INT32, false)))
        .iterator();
  }

  /**
   * Mean rank per channel of each node over the held images, with HRank's rank kernel; returns
   * the seconds spent in {forward, ranking}.
   */
  private static double[] meanRanks(Model m, List<Tensor[]> held, Set<String> nodes, Map<String, double[]> into) {
    Graph g = m.graph();
    long forward = 0;
    long ranking = 0;
    long images = 0;
    for (String n : nodes) {
      into.put(n, new double[g.shape(n).channels()]);
    }
    try (NDManager root = NDManager.newBaseManager(EngineSettings.computeDevice()); GradMode.Scope s = GradMode.disabled()) {
      GraphBlock block = BlockWeights.load(m, root);
      ParameterStore ps = new ParameterStore(root, false);
      for (Tensor[] b : held) {
        try (NDManager step = root.newSubManager()) {
          long t0 = System.nanoTime();
          CapturedForward f = block.forwardCapture(ps, new NDList(array(step, b[0])), false, nodes);
          forward += System.nanoTime() - t0;
          images += b[0].shape()[0];
          for (String n : nodes) {
            long t1 = System.nanoTime();
            double[] r = HRankImportance.rankSums(f.get(n));
            ranking += System.nanoTime() - t1;
            double[] sums = into.get(n);
            for (int c = 0; c < r.length; c++) {
              sums[c] += r[c];
            }
          }
        }
      }
    }
    for (String n : nodes) {
      double[] v = into.get(n);
      for (int c = 0; c < v.length; c++) {
        v[c] /= images;
      }
    }
    return new double[] {forward / 1e9, ranking / 1e9};
  }

  /** Largest |group score - sum over its producers' capture points of their mean ranks|. */
  private static double checkAgainst(GroupScores scores, DependencyGraph deps, Map<String, double[]> means) {
    double worst = 0;
    for (ChannelGroup grp : deps.prunableGroups()) {
      float[] s = scores.scores(grp);
      double[] sum = new double[s.length];
      for (String p : grp.producers()) {
        String at = CapturePoints.of(deps.graph(), p);
        int[][] idx = grp.indices().get(at);
        for (int u = 0; u < sum.length; u++) {
          for (int i : idx[u]) {
            sum[u] += means.get(at)[i];
          }
        }
      }
      for (int u = 0; u < s.length; u++) {
        worst = Math.max(worst, Math.abs(s[u] - sum[u]));
      }
    }
    return worst;
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String fmt(double[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v[i]));
    }
    return b.append(']').toString();
  }
}
