package dev.topiary.engine.cli;

import dev.topiary.engine.prune.importance.Importance;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.prune.schedule.Scorer;
import dev.topiary.engine.workflow.DataSpec;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** The importance criterion and, for criteria that measure activations, how many batches they see. */
final class CriterionOptions {
  static final String DEFAULT = "l1";

  @Option(names = "--criterion", description = "l1, l2, bn-scale, hrank, taylor, apoz or random (default " + DEFAULT + ")")
  String criterion;

  @Option(names = "--limit", defaultValue = "" + ScoringData.DEFAULT_LIMIT,
      description = "training batches measured by data-driven criteria (HRank's --limit; default ${DEFAULT-VALUE})")
  int limit;

  /** Whether --criterion was given. */
  boolean given() {
    return criterion != null;
  }

  Importance importance(long seed) {
    return Importances.byName(given() ? criterion : DEFAULT, seed);
  }

  /** The criterion's data: the first --limit training batches, or null when it needs none (then no dataset is read). */
  ScoringData scoringData(Importance importance, Supplier<DataSpec.Loaders> data) {
    return importance.needsData() ? ScoringData.of(data.get().trainData(), limit) : null;
  }

  /** A scorer for the criterion, reading data only if the criterion needs it. */
  Scorer scorer(long seed, Supplier<DataSpec.Loaders> data) {
    Importance importance = importance(seed);
    return Scorer.of(importance, scoringData(importance, data));
  }
}
