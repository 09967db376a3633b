package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.LayerByLayer;
import dev.topiary.engine.prune.schedule.GradualSparsity;
import dev.topiary.engine.prune.schedule.OneShot;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.prune.sparse.SparsitySchedule;
import dev.topiary.engine.prune.schedule.PruningSchedule;
import dev.topiary.engine.prune.schedule.ScheduleListener;
import dev.topiary.engine.prune.schedule.ScheduleResult;
import dev.topiary.engine.prune.schedule.ScheduleStep;
import dev.topiary.engine.prune.schedule.Scorer;
import dev.topiary.engine.prune.schedule.Slimming;
import dev.topiary.engine.prune.schedule.Stages;
import dev.topiary.engine.prune.select.Selector;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.TrainingProgress;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.Fitter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "schedule", mixinStandardHelpOptions = true,
    description = {"Prunes and fine-tunes by a schedule, printing each pruning step and epoch, and saves the result.",
        "oneshot: one selection option, then --finetune-epochs.",
        "layerwise (HRank): one selection option, planned once; groups pruned one by one, --step-epochs after each, --final-epochs at the end.",
        "stages: --stages 0.2,0.35,0.5 (cumulative FLOPs reductions), re-scored and cut per stage, --stage-epochs after each.",
        "slimming: --sparsity-epochs with --sr [--sr-decay] on BN gammas, cut --percent of channels by |gamma|, then --finetune-epochs.",
        "gradual (unstructured): --epochs of training while magnitude sparsity rises: --curve agp|log from --initial-sparsity to --target-sparsity",
        "  between --start-epoch and --end-epoch every --interval epochs, or --curve stages with --sparsity-stages 0.5,0.8 and --stage-epochs;",
        "  --layer-sparsity \"Conv=0.5; Gemm=0.9\" gives per-layer final targets (scaled along the curve), else every Conv and Gemm."})
final class ScheduleCommand implements Callable<Integer> {
  private static final List<String> CRITERION = List.of("--criterion", "--limit");

  /** The schedules, each with the options that only it takes. */
  enum Mode {
    ONESHOT(SelectionOptions.NAMES, CRITERION, List.of("--round-to", "--min-channels", "--finetune-epochs")),
    LAYERWISE(SelectionOptions.NAMES, CRITERION, List.of("--round-to", "--min-channels", "--step-epochs", "--final-epochs")),
    STAGES(CRITERION, List.of("--stages", "--stage-epochs", "--round-to")),
    SLIMMING(List.of("--sr", "--sr-decay", "--sparsity-epochs", "--percent", "--finetune-epochs")),
    GRADUAL(List.of("--epochs", "--curve", "--initial-sparsity", "--target-sparsity", "--start-epoch", "--end-epoch", "--interval",
        "--sparsity-stages", "--stage-epochs", "--layer-sparsity"));

    final Set<String> options;

    @SafeVarargs
    Mode(List<String>... options) {
      this.options = Stream.of(options).flatMap(List::stream).collect(Collectors.toSet());
    }

    static Mode of(String name) {
      for (Mode m : values()) {
        if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException("--mode '" + name + "': expected oneshot, layerwise, stages, slimming or gradual");
    }
  }

  @Spec CommandSpec spec;
  @Mixin ModelOptions model;
  @Mixin SelectionOptions selection;
  @Mixin CriterionOptions criterion;
  @Mixin DataOptions data;
  @Mixin FitOptions fit;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--mode", required = true, description = "oneshot, layerwise, stages, slimming or gradual") String mode;
  @Option(names = "--finetune-epochs", defaultValue = "1", description = "oneshot, slimming: fine-tuning epochs after the cut (default ${DEFAULT-VALUE})") int finetuneEpochs;
  @Option(names = "--step-epochs", defaultValue = "1", description = "layerwise: epochs after each group (default ${DEFAULT-VALUE})") int stepEpochs;
  @Option(names = "--final-epochs", defaultValue = "1", description = "layerwise: epochs at the end (default ${DEFAULT-VALUE})") int finalEpochs;
  @Option(names = "--stages", split = ",", description = "stages: cumulative FLOPs reductions, e.g. 0.2,0.35,0.5") List<Double> stages;
  @Option(names = "--stage-epochs", defaultValue = "1", description = "stages: epochs after each stage (default ${DEFAULT-VALUE})") int stageEpochs;
  @Option(names = "--sr", defaultValue = "1e-4", description = "slimming: L1 strength on BN gammas (default ${DEFAULT-VALUE})") double sr;
  @Option(names = "--sr-decay", description = "slimming: decay sr linearly to 10% over the sparsity epochs") boolean srDecay;
  @Option(names = "--sparsity-epochs", defaultValue = "1", description = "slimming: sparsity-training epochs (default ${DEFAULT-VALUE})") int sparsityEpochs;
  @Option(names = "--percent", description = "slimming: fraction of BN channels removed, by global |gamma| threshold") Double percent;
  @Option(names = "--epochs", defaultValue = "3", description = "gradual: training epochs in all (default ${DEFAULT-VALUE})") int epochs;
  @Option(names = "--curve", defaultValue = "agp", description = "gradual: agp (cubic), log (Paddle) or stages (default ${DEFAULT-VALUE})") String curve;
  @Option(names = "--initial-sparsity", defaultValue = "0", description = "gradual: sparsity at --start-epoch") double initialSparsity;
  @Option(names = "--target-sparsity", description = "gradual: sparsity from --end-epoch on") Double targetSparsity;
  @Option(names = "--start-epoch", defaultValue = "0", description = "gradual: first epoch with a mask update (0-based)") int startEpoch;
  @Option(names = "--end-epoch", description = "gradual: epoch reaching the target (0-based; default: --epochs - 1)") Integer endEpoch;
  @Option(names = "--interval", defaultValue = "1", description = "gradual: epochs between mask updates") int interval;
  @Option(names = "--sparsity-stages", split = ",", description = "gradual --curve stages: sparsity per stage, e.g. 0.5,0.8") List<Double> sparsityStages;
  @Option(names = "--layer-sparsity", description = "gradual: final per-layer targets as sparsity rules, e.g. \"Conv[1..2]=0.5; Conv[3..]=0.8; Gemm=0.99\"") String layerSparsity;
  @Option(names = "--out", required = true, description = "model folder to write") Path out;

  @Override
  public Integer call() throws Exception {
    Mode m = Mode.of(mode);
    checkOptionsFit(m);
    runtime.apply();
    Model start = model.modelOrInit();
    DataSpec.Loaders loaders = data.loaders(start.graph().inputs().get(0).shape().toArray(), model.seed);
    PruningSchedule schedule = schedule(m, criterion.scorer(model.seed, () -> loaders));
    System.out.printf("%s schedule on %s: %d train / %d test images%n", mode, start.graph().name(),
        loaders.train().size(), loaders.test().size());
    ScheduleResult r = schedule.run(start, loaders, new Printer());
    r.model().save(out);
    Evaluation e = Fitter.evaluate(r.model(), loaders);
    System.out.printf(Locale.ROOT, "saved %s: test top-1 %.4f top-5 %.4f loss %.4f%n", out, e.top1(), e.top5(), e.loss());
    System.out.println(Console.sizes(start.graph(), r.model().graph()));
    return 0;
  }

  private PruningSchedule schedule(Mode m, Scorer scorer) {
    long seed = model.seed;
    return switch (m) {
      case ONESHOT -> new OneShot(scorer, selector(), fit.settings(finetuneEpochs, seed));
      case LAYERWISE -> new LayerByLayer(scorer, selector(), fit.settings(stepEpochs, seed), fit.settings(finalEpochs, seed));
      case STAGES -> {
        if (stages == null) {
          throw new IllegalArgumentException("--mode stages needs --stages, e.g. 0.2,0.35,0.5");
        }
        yield new Stages(scorer, stages, fit.settings(stageEpochs, seed), selection.roundTo());
      }
      case SLIMMING -> {
        if (percent == null) {
          throw new IllegalArgumentException("--mode slimming needs --percent, e.g. 0.5");
        }
        yield new Slimming(fit.settings(sparsityEpochs, seed), sr, srDecay, percent, fit.settings(finetuneEpochs, seed));
      }
      case GRADUAL -> gradual(seed);
    };
  }

  private PruningSchedule gradual(long seed) {
    SparsityRules layers = layerSparsity == null ? null : SparsityRules.parse(layerSparsity);
    if ("stages".equals(curve)) {
      if (sparsityStages == null) {
        throw new IllegalArgumentException("--curve stages needs --sparsity-stages, e.g. 0.5,0.8");
      }
      SparsitySchedule c = SparsitySchedule.stages(sparsityStages, stageEpochs);
      return new GradualSparsity(c, layers, fit.settings(sparsityStages.size() * stageEpochs, seed));
    }
    double target = requireTarget();
    int end = endEpoch != null ? endEpoch : epochs - 1;
    SparsitySchedule c = switch (curve) {
      case "agp" -> SparsitySchedule.agp(initialSparsity, target, startEpoch, end, interval);
      case "log" -> SparsitySchedule.paddleLog(initialSparsity, target, startEpoch, end, interval);
      default -> throw new IllegalArgumentException("--curve '" + curve + "': expected agp, log or stages");
    };
    return new GradualSparsity(c, layers, fit.settings(epochs, seed));
  }

  private double requireTarget() {
    if (targetSparsity == null) {
      throw new IllegalArgumentException("--mode gradual needs --target-sparsity (with --layer-sparsity it shapes the curve; each layer ends at its own target)");
    }
    return targetSparsity;
  }

  private Selector selector() {
    SelectionOptions.requireOne(SelectionOptions.NAMES, selection.given());
    return selection.selector();
  }

  /** Refuses an option that belongs to another mode: silently ignoring it would run another experiment than asked. */
  private void checkOptionsFit(Mode m) {
    Set<String> modeSpecific = new HashSet<>();
    Arrays.stream(Mode.values()).forEach(x -> modeSpecific.addAll(x.options));
    List<String> misplaced = new ArrayList<>();
    for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      if (modeSpecific.contains(o.longestName()) && !m.options.contains(o.longestName())) {
        misplaced.add(o.longestName());
      }
    }
    if (!misplaced.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", misplaced) + ": not an option of --mode " + mode
          + "; it takes " + m.options.stream().sorted().collect(Collectors.joining(", ")));
    }
  }

  /** Prints each step and epoch as the schedule runs. */
  private static final class Printer implements ScheduleListener {
    private ProgressLine progress = ProgressLine.onStdout("");

    @Override
    public TrainingProgress progress(String phase) {
      progress = ProgressLine.onStdout(phase);
      return progress;
    }

    @Override
    public void stepDone(ScheduleStep s) {
      progress.clear();
      System.out.printf(Locale.ROOT, "step %d: %s: %d units removed, params %,d, MACs %,d%n", s.index() + 1, s.description(), s.removedUnits(), s.params(), s.macs());
    }

    @Override
    public void epochDone(String phase, EpochResult r) {
      progress.clear();
      System.out.println(phase + " " + Console.epoch(r));
    }
  }
}
