package dev.topiary.engine.prune.schedule;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.sparse.MagnitudePruner;
import dev.topiary.engine.prune.sparse.SparsityRules;
import dev.topiary.engine.prune.sparse.SparsitySchedule;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradualSparsityTest {
  static final DataSpec.Loaders DATA = DataSpec.fashionMnist().withLimits(512, 128).withBatchSize(64).open(new int[] {1, 28, 28});

  static long zeros(Model m, String node) {
    long z = 0;
    for (float v : m.weights().get(new ParamKey(node, ParamRole.WEIGHT)).data()) {
      if (v == 0f) {
        z++;
      }
    }
    return z;
  }

  static int size(Model m, String node) {
    return m.weights().get(new ParamKey(node, ParamRole.WEIGHT)).data().length;
  }

  @Test
  void agpRaisesSparsityDuringTrainingAndMaskedWeightsStayZero() {
    Model m = Fitter.initialised(Zoo.build("lenet5"), 2);
    SparsitySchedule agp = SparsitySchedule.agp(0, 0.8, 0, 2, 1); // 0 at epoch 0, 0.7 at 1, 0.8 at 2
    ScheduleResult r = new GradualSparsity(agp, null, FitSettings.defaults(3).withLr(0.02)).run(m, DATA, ScheduleListener.NONE);
    assertEquals(2, r.steps().size(), "updates where the curve rises: " + r.steps());
    assertEquals(3, r.epochs().size());
    for (String node : List.of("conv1", "conv2", "fc1", "fc2", "fc3")) {
      long want = MagnitudePruner.zerosFor(size(r.model(), node), 0.8);
      assertEquals(want, zeros(r.model(), node), node + " holds exactly its share of zeros after training");
    }
    assertEquals(zeros(r.model(), "conv2"), r.masks().pruned(new ParamKey("conv2", ParamRole.WEIGHT)));
  }

  @Test
  void staticStagesWithPerLayerTargetsScaleEachLayer() {
    Model m = Fitter.initialised(Zoo.build("lenet5"), 3);
    SparsitySchedule stages = SparsitySchedule.stages(List.of(0.5, 0.9), 1);
    SparsityRules finals = SparsityRules.parse("Conv=0.5; Gemm=0.9");
    ScheduleResult r = new GradualSparsity(stages, finals, FitSettings.defaults(2).withLr(0.02)).run(m, DATA, ScheduleListener.NONE);
    assertEquals(2, r.steps().size());
    assertEquals(MagnitudePruner.zerosFor(size(r.model(), "conv2"), 0.5), zeros(r.model(), "conv2"));
    assertEquals(MagnitudePruner.zerosFor(size(r.model(), "fc1"), 0.9), zeros(r.model(), "fc1"));
    assertTrue(r.steps().get(0).description().startsWith("sparsity 0.5000 before epoch 1"), r.steps().get(0).description());
  }
}
