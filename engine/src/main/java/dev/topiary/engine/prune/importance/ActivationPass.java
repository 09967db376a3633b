package dev.topiary.engine.prune.importance;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.CapturedForward;
import dev.topiary.engine.exec.GradMode;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.train.ClassificationMetrics;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

/**
 * Scores every prunable group from one pass over the first {@code limit} batches of the data:
 * each producer's {@link CapturePoints capture point} is captured in the same forward pass, its
 * statistic summed over images, and the means summed over a unit's producers.
 *
 * <p>The model runs in a throw-away {@link GraphBlock} in inference mode (BN running statistics,
 * no dropout). Without gradients, autograd is off. With gradients, each capture point's output
 * {@code a} is replaced by {@code a + p} with {@code p} a zero leaf that requires a gradient, so
 * that after backward {@code p}'s gradient is d(loss)/d(a) (libtorch keeps no gradient for
 * intermediate arrays), while the gradient still flows through {@code a} to earlier points; the
 * parameters are frozen so backward computes nothing else. Each batch lives in a sub-manager
 * closed after it.
 */
final class ActivationPass {
  private ActivationPass() {}

  /** Sums of a statistic per capture point, and how many batches and images they cover. */
  record Totals(Map<String, double[]> sums, int batches, long images) {}

  /**
   * Scores the prunable groups of {@code deps} with a statistic of the capture points.
   *
   * @param noteOrNull (producer, capture point) to a remark on that point, or null for none
   */
  static GroupScores score(Importance criterion, Model model, DependencyGraph deps, ScoringData dataOrNull,
      ChannelStatistic stat, boolean gradients, BiFunction<String, String, String> noteOrNull) {
    ScoringData data = Checks.data(criterion.name(), dataOrNull);
    Checks.sameGraph(model, deps);
    Map<String, String> captureOf = CapturePoints.of(deps);
    Totals t = run(criterion.name(), model, data, new LinkedHashSet<>(captureOf.values()), gradients, stat);
    Map<Integer, float[]> scores = new LinkedHashMap<>();
    Map<Integer, String> notes = new LinkedHashMap<>();
    for (ChannelGroup g : deps.prunableGroups()) {
      List<UnitSums.Member> members = new ArrayList<>();
      List<String> remarks = new ArrayList<>();
      for (String p : g.producers()) {
        String at = captureOf.get(p);
        double[] mean = t.sums().get(at).clone();
        for (int c = 0; c < mean.length; c++) {
          mean[c] /= t.images();
        }
        members.add(new UnitSums.Member(at, mean));
        String remark = noteOrNull == null ? null : noteOrNull.apply(p, at);
        if (remark != null) {
          remarks.add(remark);
        }
      }
      scores.put(g.id(), UnitSums.of(g, members));
      if (!remarks.isEmpty()) {
        notes.put(g.id(), String.join("; ", remarks));
      }
    }
    return new GroupScores(criterion.name(), scores, notes, t.batches(), t.images());
  }

  /** One pass: the statistic of every capture point, summed over the batches' images. */
  static Totals run(String criterion, Model model, ScoringData data, Set<String> nodes, boolean gradients, ChannelStatistic stat) {
    Graph g = model.graph();
    checkGraph(criterion, g, gradients && data.loss().needsClassifier());
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String n : nodes) {
      sums.put(n, new double[g.shape(n).channels()]);
    }
    int batches = 0;
    long images = 0;
    Device device = data.device() == null ? dev.topiary.engine.exec.EngineSettings.computeDevice() : data.device();
    try (NDManager root = NDManager.newBaseManager(device)) {
      GraphBlock block = BlockWeights.load(model, root);
      if (gradients) {
        freeze(block);
      }
      ParameterStore ps = new ParameterStore(root, false);
      Iterator<NDList> it = data.data().batches(data.epoch(), root).iterator();
      // a batch's statistics are computed on another thread while the next batch's forward pass
      // runs: HRank's ranking and the forward pass each leave a core idle part of the time
      ExecutorService statistics = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "topiary-activation-statistics");
        t.setDaemon(true);
        return t;
      });
      Future<?> pending = null;
      try {
        while (batches < data.limit() && it.hasNext()) {
          NDList batch = it.next();
          NDManager step = root.newSubManager();
          Map<String, NDArray[]> captured;
          try {
            batch.attach(step);
            images += batch.get(0).getShape().get(0);
            captured = gradients
                ? withGradients(block, ps, batch, nodes, step, data.loss())
                : inference(block, ps, batch.get(0), nodes);
          } catch (RuntimeException | Error e) {
            step.close();
            throw e;
          }
          await(pending);
          pending = statistics.submit(() -> {
            try (step) {
              addBatch(sums, captured, stat);
            }
          });
          batches++;
        }
        await(pending);
        pending = null;
      } finally {
        if (pending != null) {
          awaitQuietly(pending);
        }
        statistics.shutdown();
      }
    }
    if (images == 0) {
      throw new InvalidPruningConfigException("criterion '" + criterion + "': the dataset gave no images (epoch " + data.epoch() + ")");
    }
    return new Totals(sums, batches, images);
  }

  /**
   * Adds one batch's statistic of every capture point to {@code sums}, the points in parallel, so
   * that the threads meet once per batch rather than once per point (HRank's ranking of one point
   * is split too, and its chunks end unevenly).
   */
  private static void addBatch(Map<String, double[]> sums, Map<String, NDArray[]> captured, ChannelStatistic stat) {
    List<String> names = new ArrayList<>(captured.keySet());
    double[][] batchSums = new double[names.size()][];
    IntStream.range(0, names.size()).parallel().forEach(i -> {
      NDArray[] ag = captured.get(names.get(i));
      try (GradMode.Scope s = GradMode.disabled()) {
        batchSums[i] = stat.batchSums(ag[0], ag[1]);
      }
    });
    for (int i = 0; i < names.size(); i++) {
      add(sums.get(names.get(i)), batchSums[i]);
    }
  }

  /** Waits for a batch's statistics; their failure is thrown as it was raised. */
  private static void await(Future<?> pendingOrNull) {
    if (pendingOrNull == null) {
      return;
    }
    try {
      pendingOrNull.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing activation statistics", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Failing: waits for the batch in flight, whose arrays must not be closed under its task, even
   * when this thread is interrupted (the interrupt is restored after); its own failure is dropped,
   * the one being thrown is reported.
   */
  private static void awaitQuietly(Future<?> pending) {
    boolean interrupted = false;
    while (true) {
      try {
        pending.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | CancellationException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void checkGraph(String criterion, Graph g, boolean gradients) {
    if (g.inputs().size() != 1) {
      throw new InvalidPruningConfigException("criterion '" + criterion + "' feeds images to a graph with one input; graph '"
          + g.name() + "' has " + g.inputs().size());
    }
    if (gradients && (g.outputs().size() != 1 || g.shape(g.outputs().get(0)).rank() != 1)) {
      throw new InvalidPruningConfigException("criterion '" + criterion + "' needs a classifier with one output of class logits [K]; graph '"
          + g.name() + "' has outputs " + g.outputs());
    }
  }

  private static Map<String, NDArray[]> inference(GraphBlock block, ParameterStore ps, NDArray images, Set<String> nodes) {
    try (GradMode.Scope s = GradMode.disabled()) {
      CapturedForward f = block.forwardCapture(ps, new NDList(images), false, nodes);
      Map<String, NDArray[]> out = new LinkedHashMap<>();
      for (String n : nodes) {
        out.put(n, new NDArray[] {f.get(n), null});
      }
      return out;
    }
  }

  private static Map<String, NDArray[]> withGradients(GraphBlock block, ParameterStore ps, NDList batch, Set<String> nodes, NDManager step,
      ScoringLoss scoringLoss) {
    Map<String, NDArray> activations = new LinkedHashMap<>();
    Map<String, NDArray> probes = new LinkedHashMap<>();
    NDArray images = batch.get(0);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList outputs = block.forwardWithTap(ps, new NDList(images), false, (node, value) -> {
        if (!nodes.contains(node)) {
          return value;
        }
        NDArray probe = step.zeros(value.getShape(), value.getDataType());
        probe.setRequiresGradient(true);
        activations.put(node, value);
        probes.put(node, probe);
        return value.add(probe);
      });
      // summed, not mean, loss: each image's gradient is that of its own loss, whatever the batch size
      collector.backward(scoringLoss.loss(outputs, batch, step));
    }
    Map<String, NDArray[]> out = new LinkedHashMap<>();
    for (String n : nodes) {
      out.put(n, new NDArray[] {activations.get(n), probes.get(n).getGradient()});
    }
    return out;
  }

  /** Stops gradients for the parameters: only the probes' gradients are wanted. */
  private static void freeze(GraphBlock block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().requiresGradient()) {
        p.getValue().getArray().setRequiresGradient(false);
      }
    }
  }

  private static void add(double[] into, double[] batchSums) {
    for (int c = 0; c < into.length; c++) {
      into[c] += batchSums[c];
    }
  }
}
