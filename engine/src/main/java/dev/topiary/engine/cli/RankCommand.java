package dev.topiary.engine.cli;

import dev.topiary.engine.detect.DetectionFolders;

import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.Importance;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionScoring;
import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.prune.importance.ScoringData;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rank", mixinStandardHelpOptions = true,
    description = "Importance scores of every prunable channel group; the dataset is read only when the criterion needs data.")
final class RankCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin CriterionOptions criterion;
  @Mixin DataOptions data;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--exclude", split = ",", description = "nodes never pruned, e.g. conv1,fc1")
  List<String> exclude = List.of();

  @Option(names = "--out", description = "scores file to write (JSON), which prune --scores reads")
  Path out;

  @Override
  public Integer call() throws Exception {
    runtime.apply();
    Model m = model.modelOrInit();
    DependencyGraph deps = DependencyGraph.of(m.graph(), new LinkedHashSet<>(exclude));
    Importance importance = criterion.importance(model.seed);
    ScoringData scoring = importance.needsData() && DetectionData.isDetection(data.kind) ? detectionScoring(m)
        : criterion.scoringData(importance, () -> data.loaders(m.graph().inputs().get(0).shape().toArray(), model.seed));
    GroupScores s = importance.score(m, deps, scoring);
    System.out.printf(Locale.ROOT, "%s scores of %s: %d groups%s%n", s.criterion(), m.graph().name(), s.groupIds().size(),
        s.images() > 0 ? String.format(Locale.ROOT, ", %d images in %d batches", s.images(), s.batches()) : "");
    for (int id : s.groupIds()) {
      System.out.println(summary(deps.groups().get(id).name(), id, s.scores(id), s.notes().get(id)));
    }
    if (out != null) {
      ScoresFile.of(s, deps).write(out);
      System.out.println("wrote " + out);
    }
    return 0;
  }

  /** The first --limit batches of a detection dataset's train split, with the detector's loss for Taylor. */
  private ScoringData detectionScoring(Model m) {
    TensorShape in = m.graph().inputs().get(0).shape();
    DetectionDataset train = DetectionData.open(data.kind, data.dir, "train");
    DetectorInfo info = DetectorInfo.of(m.graph(), DetectHead.of(m.graph()).numClasses());
    return DetectionScoring.of(DetectionFolders.loader(train, in.height(), in.channels(), data.batch, false, model.seed, data.workers, data.trainLimit),
        m.graph(), info.anchors(), criterion.limit);
  }

  private static String summary(String name, int id, float[] s, String note) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    for (float v : s) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    return String.format(Locale.ROOT, "#%-3d %-24s %5d units  min %.4g  mean %.4g  max %.4g%s",
        id, name, s.length, min, sum / s.length, max, note == null ? "" : "  (" + note + ")");
  }
}
