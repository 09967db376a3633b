package dev.topiary.engine.detect;

import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.GammaHistogram;
import dev.topiary.engine.prune.schedule.Slimming;
import dev.topiary.engine.prune.schedule.SlimmingCut;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.engine.train.TrainingProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The seed's YOLOv5 network-slimming workflow on a trained detector, measured at its four points as
 * its table is: the baseline, after sparsity training (BN |gamma| pushed down by a decaying L1 term),
 * after the cut (a global |gamma| threshold, within {@link SlimmingCut}'s floor, before any
 * fine-tuning) and after fine-tuning. Each point has mAP@0.5, mAP@0.5:0.95, parameters, MACs and
 * DJL latency per batch size; the |gamma| histograms before and after sparsity training come with
 * the threshold. Anchors and class names stay in the model's metadata through every step.
 */
public final class DetectorSlimming {
  /** One measured point of the table. */
  public record Point(String label, DetectionMetrics.Result metrics, long params, long macs, List<LatencyBench.Result> latency) {}

  /** The four points, the histograms' SVG, the cut's description and the fine-tuned model. */
  public record Result(List<Point> points, String histogramSvg, String cut, Model model) {}

  /** What one phase trains: its loaders, epochs and hyperparameters. */
  public record Phase(DetectionLoader train, DetectionLoader val, int epochs, DetectionHyp hyp, long seed, TrainingProgress progress) {
    public Phase(DetectionLoader train, DetectionLoader val, int epochs, DetectionHyp hyp, long seed) {
      this(train, val, epochs, hyp, seed, TrainingProgress.NONE);
    }
  }

  private DetectorSlimming() {}

  /**
   * @param sr the L1 strength on BN scales, decaying as the seed's {@code sr * (1 - 0.9 * epoch / epochs)}
   * @param percent the fraction of the scored channels below the global threshold
   * @param batchSizes latency batch sizes
   * @param epochs called with the phase name and each epoch's result
   * @param points called with each point as it is measured
   */
  public static Result run(Model baseline, Phase sparsity, double sr, double percent, SlimmingCut cut, Phase finetune,
      int[] batchSizes, BiConsumer<String, DetectionEpochResult> epochs, Consumer<Point> points) {
    DetectHead head = DetectHead.of(baseline.graph());
    DetectorInfo info = DetectorInfo.of(baseline.graph(), head.numClasses());
    List<Point> table = new ArrayList<>();
    Consumer<Point> record = p -> {
      table.add(p);
      points.accept(p);
    };
    record.accept(measure("baseline", baseline, sparsity.val(), info, batchSizes));
    Model sparse = sparsity.epochs() == 0 ? baseline : train(baseline, sparsity, info, BnSparsityHook.decaying(sr), "sparsity", epochs);
    record.accept(measure("after sparsity training", sparse, sparsity.val(), info, batchSizes));
    PruningPlan plan = Slimming.plan(sparse, percent, cut);
    Model pruned = plan.apply(sparse);
    record.accept(measure("after the cut", pruned, finetune.val(), info, batchSizes));
    Model tuned = finetune.epochs() == 0 ? pruned : train(pruned, finetune, info, null, "finetune", epochs);
    record.accept(measure("after fine-tuning", tuned, finetune.val(), info, batchSizes));
    GammaHistogram before = GammaHistogram.of(baseline, "baseline");
    GammaHistogram after = GammaHistogram.of(sparse, "after sparsity training");
    String svg = GammaHistogram.svg("BatchNorm |gamma| of " + baseline.graph().name(), List.of(before, after), after.threshold(percent));
    return new Result(table, svg, plan.description(), tuned);
  }

  private static Model train(Model m, Phase p, DetectorInfo info, BnSparsityHook hook, String phase, BiConsumer<String, DetectionEpochResult> epochs) {
    DetectionTrainer.Builder b = DetectionTrainer.builder().setModel(m).setAnchors(info.anchors()).setTrainData(p.train())
        .optValidationData(p.val()).setEpochs(p.epochs()).optHyp(p.hyp()).optSeed(p.seed()).optCallback(r -> epochs.accept(phase, r))
        .optProgress(p.progress());
    if (hook != null) {
      b.optGradientHook(hook);
    }
    return b.build().fit().model();
  }

  /**
   * mAP on {@code val}, parameters, MACs and DJL latency (all head maps computed) of a model, run with
   * its BNs folded into their convolutions ({@link BlockWeights#loadForInference}); parameters and
   * MACs are the stored model's.
   */
  public static Point measure(String label, Model m, DetectionLoader val, DetectorInfo info, int[] batchSizes) {
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.loadForInference(m, manager);
      DetectionMetrics.Result metrics = DetectionEvaluator.evaluate(block, val, info.anchors(), info.classNames().size());
      List<LatencyBench.Result> latency = batchSizes.length == 0 ? List.of()
          : new LatencyBench(5, 20).run(manager, m.graph().inputs().get(0).shape().toArray(), batchSizes, LatencyBench.everyOutput(block));
      return new Point(label, metrics, m.graph().parameterCount(), m.graph().macs(), latency);
    }
  }

  /** The seed's table: one row per point. */
  public static String table(List<Point> points) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-24s %8s %11s %11s %8s", "", "mAP@.5", "mAP@.5:.95", "params", "GFLOPs"));
    List<Integer> sizes = points.isEmpty() ? List.of() : points.get(0).latency().stream().map(LatencyBench.Result::batchSize).toList();
    sizes.forEach(b -> s.append(String.format(Locale.ROOT, " %10s", "b" + b + " ms")));
    s.append('\n');
    for (Point p : points) {
      // GFLOPs as YOLOv5 prints them: 2 x MACs
      s.append(String.format(Locale.ROOT, "%-24s %8.3f %11.3f %,11d %8.3f", p.label(), p.metrics().map50(), p.metrics().map(), p.params(), 2.0 * p.macs() / 1e9));
      p.latency().forEach(l -> s.append(String.format(Locale.ROOT, " %10.2f", l.medianMs())));
      s.append('\n');
    }
    return s.toString();
  }
}
