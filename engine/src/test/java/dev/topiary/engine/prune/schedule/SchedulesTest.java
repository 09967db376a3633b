package dev.topiary.engine.prune.schedule;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.select.CompressRateSelector;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.prune.select.PruningPlan;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulesTest {
  static final FitSettings ONE_EPOCH = FitSettings.defaults(1).withLr(0.02);

  static final Scorer L1 = Scorer.of(Importances.byName("l1"), null);

  static DataSpec.Loaders data(int[] input) {
    return DataSpec.fashionMnist().withLimits(1024, 256).withBatchSize(64).open(input);
  }

  @Test
  void oneShotCutsHalfTheFlopsThenFineTunes() {
    Model m = Fitter.initialised(Zoo.build("lenet5"), 3);
    List<ScheduleStep> seen = new ArrayList<>();
    ScheduleResult r = new OneShot(L1, FlopsTargetSelector.builder().setReduction(0.5).build(), ONE_EPOCH)
        .run(m, data(new int[] {1, 28, 28}), new ScheduleListener() {
          @Override
          public void stepDone(ScheduleStep s) {
            seen.add(s);
          }
        });
    assertEquals(1, seen.size());
    assertTrue(r.model().graph().macs() <= m.graph().macs() / 2, "MACs " + r.model().graph().macs());
    assertEquals(r.model().graph().macs(), seen.get(0).macs());
    assertEquals(1, r.epochs().size());
    assertEquals(1, r.model().history().size() > 0 ? 1 : 0);
  }

  @Test
  void layerByLayerPrunesEachGroupInTurnWithTuningBetween() {
    Model m = Fitter.initialised(Zoo.build("lenet5"), 4);
    ScheduleResult r = new LayerByLayer(L1, CompressRateSelector.builder().setRates("[0.5]+[0.5]").build(),
        ONE_EPOCH, ONE_EPOCH).run(m, data(new int[] {1, 28, 28}), ScheduleListener.NONE);
    assertEquals(2, r.steps().size());
    assertEquals(3, r.epochs().size(), "one epoch after each of the two steps, one final");
    assertEquals(3, ((dev.topiary.engine.graph.Conv) r.model().graph().node("conv1").op()).outChannels());
    assertEquals(8, ((dev.topiary.engine.graph.Conv) r.model().graph().node("conv2").op()).outChannels());
    assertTrue(r.steps().get(1).macs() < r.steps().get(0).macs());
  }

  @Test
  void stagesReachEachCumulativeTarget() {
    Model m = Fitter.initialised(Zoo.build("lenet5"), 5);
    long original = m.graph().macs();
    ScheduleResult r = new Stages(L1, List.of(0.2, 0.45), ONE_EPOCH, 1).run(m, data(new int[] {1, 28, 28}), ScheduleListener.NONE);
    assertEquals(2, r.steps().size());
    assertTrue(r.steps().get(0).macs() <= original * 0.8 + 1, "stage 1");
    assertTrue(r.steps().get(1).macs() <= original * 0.55 + 1, "stage 2");
    assertEquals(2, r.epochs().size());
    var e = assertThrows(InvalidPruningConfigException.class, () -> new Stages(L1, List.of(0.5, 0.3), ONE_EPOCH, 1));
    assertTrue(e.getMessage().contains("stage 2 has 0.3 after 0.5"), e.getMessage());
  }

  static Model resnet20() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("resnet20").optInputShape(1, 28, 28).build());
    return Fitter.initialised(g, 6);
  }

  @Test
  void slimmingScoresResidualGroupsOverAllTheirBatchNorms() {
    Model m = resnet20();
    DependencyGraph d = DependencyGraph.of(m.graph());
    Map<Integer, float[]> s = Slimming.gammaScores(m, d);
    ChannelGroup stage1 = d.groupOf("conv1");
    assertTrue(stage1.normalizers().size() > 1, "the stem BN and each block's second BN share the group: " + stage1.normalizers());
    assertEquals(1.0f, s.get(stage1.id())[0], 1e-6, "fresh BN gammas are 1, so their mean is 1");
  }

  @Test
  void slimmingRemovesChannelsBelowTheGlobalGammaThreshold() {
    Model m = resnet20();
    // make gammas distinct: channel c of every BN gets gamma (c + 1) / 100
    var w = new dev.topiary.engine.weights.Weights();
    for (ParamKey k : m.weights().keys()) {
      Tensor t = m.weights().get(k).copy();
      if (k.role() == ParamRole.GAMMA) {
        for (int c = 0; c < t.data().length; c++) {
          t.data()[c] = (c + 1) / 100f;
        }
      }
      w.put(k, t);
    }
    Model shaped = m.withWeights(w);
    PruningPlan p = Slimming.plan(shaped, 0.3);
    assertTrue(p.removedUnits() > 0);
    Model pruned = p.apply(shaped);
    assertTrue(pruned.graph().parameterCount() < m.graph().parameterCount());
    var e = assertThrows(InvalidPruningConfigException.class, () -> Slimming.plan(shaped, 0.99));
    assertTrue(e.getMessage().matches(".*would remove every channel of group .*; the largest percent allowed is 0\\.[0-9]+"), e.getMessage());
  }

  @Test
  void slimmingRunsSparsityTrainingPruningAndFineTuning() {
    Model m = resnet20();
    List<String> phases = new ArrayList<>();
    ScheduleResult r = new Slimming(FitSettings.defaults(1).withLr(0.02), 1e-3, true, 0.2, FitSettings.defaults(1).withLr(0.01))
        .run(m, DataSpec.fashionMnist().withLimits(256, 128).withBatchSize(64).open(new int[] {1, 28, 28}), new ScheduleListener() {
          @Override
          public void epochDone(String phase, dev.topiary.engine.train.EpochResult e) {
            phases.add(phase);
          }
        });
    assertEquals(List.of("sparsity-train", "finetune"), phases);
    assertEquals(1, r.steps().size());
    assertTrue(r.model().graph().macs() < m.graph().macs());
  }
}
