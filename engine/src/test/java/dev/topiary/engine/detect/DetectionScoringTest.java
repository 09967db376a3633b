package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.prune.importance.GroupScores;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** L1, L2, HRank, APoZ and Taylor (through YOLOv5's loss) score every prunable group of a detector. */
class DetectionScoringTest {
  @TempDir static Path dir;
  static Model model;
  static ScoringData data;

  @BeforeAll
  static void setUp() throws Exception {
    DetectionScenes.builder().setOut(dir).setTrain(8).optVal(1).setSize(64).optSeed(2).build().write();
    DetectionDataset scenes = YoloDataset.open(dir.resolve("data.yaml"), "train");
    Graph g = Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(10).optInputShape(3, 64, 64).build());
    model = DetectHead.of(g).withInitialBiases(Fitter.initialised(g, 3));
    DetectionLoader loader = DetectionLoader.builder().setDataset(scenes).setImageSize(64).setBatchSize(4).build();
    data = DetectionScoring.of(loader, g, Anchors.yolov5Default(), 2);
  }

  @Test
  void everyCriterionScoresEveryPrunableGroupOfADetector() {
    DependencyGraph deps = DependencyGraph.of(model.graph());
    int groups = deps.prunableGroups().size();
    for (String criterion : List.of("l1", "l2", "hrank", "apoz", "taylor")) {
      GroupScores s = Importances.byName(criterion).score(model, deps, data);
      assertEquals(groups, s.groupIds().size(), criterion);
      double total = 0;
      for (int id : s.groupIds()) {
        for (float v : s.scores(id)) {
          assertTrue(Float.isFinite(v) && v >= 0, criterion + " group " + id + ": " + v);
          total += v;
        }
      }
      assertTrue(total > 0, criterion + " gives some non-zero score");
      if (!criterion.startsWith("l")) {
        assertEquals(8, s.images(), criterion + " saw both batches of 4");
      }
    }
  }

  @Test
  void taylorOnADetectorCutsItsWeakestChannelAndKeepsTheHead() {
    DependencyGraph deps = DependencyGraph.of(model.graph());
    GroupScores taylor = Importances.byName("taylor").score(model, deps, data);
    var group = deps.groupOf("model.0.conv");
    float[] s = taylor.scores(group);
    int weakest = 0;
    for (int u = 1; u < s.length; u++) {
      weakest = s[u] < s[weakest] ? u : weakest;
    }
    Model pruned = Surgery.prune(model, deps, group, new int[] {weakest}, "taylor");
    assertEquals(((dev.topiary.engine.graph.Conv) model.graph().node("model.0.conv").op()).outChannels() - 1, ((dev.topiary.engine.graph.Conv) pruned.graph().node("model.0.conv").op()).outChannels());
    assertEquals(DetectHead.of(model.graph()).numClasses(), DetectHead.of(pruned.graph()).numClasses(), "the head keeps its classes");
  }
}
