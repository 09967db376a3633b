package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.prune.sensitivity.SensitivityAnalysis;
import dev.topiary.engine.prune.sensitivity.SensitivityPlanner;
import dev.topiary.engine.prune.sensitivity.SensitivityResult;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.Fitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sensitivity", mixinStandardHelpOptions = true,
    description = {"Prunes each channel group alone at rising ratios, without fine-tuning, and measures the accuracy drop.",
        "With --target-flops and --max-drop, also chooses per-group ratios reaching the FLOPs target (saved with --out)."})
final class SensitivityCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin CriterionOptions criterion;
  @Mixin DataOptions data;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--ratios", split = ",", description = "pruning ratios tried per group, ascending in (0, 1) (default 0.1,0.2,...,0.9)")
  double[] ratios;

  @Option(names = "--val-limit", defaultValue = "1000", description = "test images the accuracy is measured on (0: all; default ${DEFAULT-VALUE})")
  int valLimit;

  @Option(names = "--svg", description = "write the curves as an SVG plot")
  Path svg;

  @Option(names = "--target-flops", description = "fraction of the MACs to remove by the sensitivity plan, e.g. 0.5")
  Double targetFlops;

  @Option(names = "--max-drop", description = "largest accuracy drop per group for the plan, a fraction (0.02: two points)")
  Double maxDrop;

  @Option(names = "--out", description = "with --target-flops: apply the plan and write the model folder here")
  Path out;

  @Override
  public Integer call() throws Exception {
    if ((targetFlops == null) != (maxDrop == null)) {
      throw new IllegalArgumentException("--target-flops and --max-drop go together: the plan needs both");
    }
    if (out != null && targetFlops == null) {
      throw new IllegalArgumentException("--out saves the plan of --target-flops and --max-drop; give them too");
    }
    if (ratios == null) {
      ratios = SensitivityAnalysis.DEFAULT_RATIOS.clone();
    }
    runtime.apply();
    Model m = model.modelOrInit();
    DataSpec.Loaders loaders = validation(m);
    DependencyGraph deps = DependencyGraph.of(m.graph()); // the analysis prunes every prunable group
    Map<Integer, float[]> scores = criterion.scorer(model.seed, () -> loaders).score(m, deps);
    System.out.printf("sensitivity of %s: %d groups x %d ratios on %d test images%n", m.graph().name(), deps.prunableGroups().size(),
        ratios.length, loaders.test().size());
    SensitivityResult result = SensitivityAnalysis.run(m, scores, ratios, x -> Fitter.evaluate(x, loaders).top1(),
        c -> System.out.printf("  measured #%d %s%n", c.groupId(), c.groupName()));
    System.out.print(result.table());
    if (svg != null) {
      Files.writeString(svg, result.svg());
      System.out.println("wrote " + svg);
    }
    if (targetFlops != null) {
      PruningPlan plan = SensitivityPlanner.plan(result, deps, scores, targetFlops, maxDrop);
      System.out.print(plan.table());
      if (out != null) {
        Model pruned = plan.apply(m);
        pruned.save(out);
        System.out.printf(Locale.ROOT, "saved %s (not fine-tuned)%n%s%n", out, Console.sizes(m.graph(), pruned.graph()));
      }
    }
    return 0;
  }

  /** The dataset with its test split cut to --val-limit (and --test-limit, when smaller). */
  private DataSpec.Loaders validation(Model m) {
    int test = data.testLimit == 0 ? valLimit : valLimit == 0 ? data.testLimit : Math.min(valLimit, data.testLimit);
    DataSpec spec = data.spec(model.seed);
    return spec.withLimits(spec.trainLimit(), test).open(m.graph().inputs().get(0).shape().toArray());
  }
}
