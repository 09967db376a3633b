package dev.topiary.engine.cli;

import dev.topiary.engine.prune.importance.ScoresFile;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.select.Selector;
import dev.topiary.engine.prune.sparse.SparsityMask;
import dev.topiary.engine.prune.sparse.SparsityReport;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.Fitter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
    description = {"Prunes a model once and saves it; fine-tunes only with --finetune-epochs.",
        "Channels (surgery: a smaller dense model): --compress-rate, --config-list, --global-ratio or --target-flops.",
        "Weights (masks, written as " + SparsityMask.FILE_NAME + " next to the model): --sparsity-rules, --global-sparsity or --nm."})
final class PruneCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin SelectionOptions selection;
  @Mixin SparsityOptions sparsity;
  @Mixin CriterionOptions criterion;
  @Mixin DataOptions data;
  @Mixin FitOptions fit;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--exclude", split = ",", description = "nodes never pruned, e.g. conv1,fc1 (channel pruning)")
  List<String> exclude = List.of();

  @Option(names = "--scores", description = "importance scores written by 'rank --out', instead of computing them (channel pruning)")
  Path scores;

  @Option(names = "--finetune-epochs", defaultValue = "0", description = "fine-tuning epochs after pruning; masks keep pruned weights at zero (default ${DEFAULT-VALUE})")
  int finetuneEpochs;

  @Option(names = "--out", required = true, description = "model folder to write")
  Path out;

  @Override
  public Integer call() throws Exception {
    List<String> choices = new ArrayList<>(SelectionOptions.NAMES);
    choices.addAll(SparsityOptions.NAMES);
    List<String> given = new ArrayList<>(selection.given());
    given.addAll(sparsity.given());
    SelectionOptions.requireOne(choices, given);
    runtime.apply();
    Model m = model.modelOrInit();
    if (sparsity.given().isEmpty()) {
      pruneChannels(m);
    } else {
      pruneWeights(m);
    }
    return 0;
  }

  /** The scores file's scores for this graph; a file computed for another graph is named. */
  private Map<Integer, float[]> scoresFrom(DependencyGraph deps) {
    ScoresFile file = ScoresFile.read(scores);
    try {
      return file.scoresFor(deps);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(scores + ": " + e.getMessage(), e);
    }
  }

  private void pruneChannels(Model m) throws Exception {
    if (scores != null && criterion.given()) {
      throw new IllegalArgumentException("--scores and --criterion exclude each other: the scores file holds the criterion's scores");
    }
    Selector selector = selection.selector(); // before scoring: a bad request fails at once
    DependencyGraph deps = DependencyGraph.of(m.graph(), new LinkedHashSet<>(exclude));
    Map<Integer, float[]> s = scores != null ? scoresFrom(deps) : criterion.scorer(model.seed, () -> loaders(m)).score(m, deps);
    PruningPlan plan = selector.plan(deps, s);
    System.out.print(plan.table());
    Model pruned = finetune(plan.apply(m), manager -> Map.of());
    pruned.save(out);
    System.out.println("saved " + out);
    System.out.println(Console.sizes(m.graph(), pruned.graph()));
  }

  private void pruneWeights(Model m) throws Exception {
    List<String> channelOnly = new ArrayList<>();
    if (scores != null) {
      channelOnly.add("--scores");
    }
    if (criterion.given()) {
      channelOnly.add("--criterion");
    }
    if (!exclude.isEmpty()) {
      channelOnly.add("--exclude");
    }
    if (!channelOnly.isEmpty()) {
      throw new IllegalArgumentException(String.join(", ", channelOnly) + ": channel pruning only; " + String.join(", ", sparsity.given())
          + " prunes weights by magnitude (select layers in --sparsity-rules instead)");
    }
    SparsityOptions.Masking masking = sparsity.masks(m);
    Model sparse = finetune(masking.mask().applyTo(m), masking.mask()::toNDArrays);
    sparse.save(out);
    masking.mask().writeTo(out);
    System.out.print(SparsityReport.of(m, sparse, masking.notes()).toTable());
    System.out.println("saved " + out + " with " + SparsityMask.FILE_NAME);
  }

  private Model finetune(Model m, Function<NDManager, Map<String, NDArray>> masks) {
    if (finetuneEpochs == 0) {
      return m;
    }
    ProgressLine progress = ProgressLine.onStdout("finetune");
    return Fitter.fit(m, loaders(m), fit.settings(finetuneEpochs, model.seed), r -> {
      progress.clear();
      System.out.println("finetune " + Console.epoch(r));
    }, masks, List.of(), null, null, progress).model();
  }

  private DataSpec.Loaders loaders(Model m) {
    return data.loaders(m.graph().inputs().get(0).shape().toArray(), model.seed);
  }
}
