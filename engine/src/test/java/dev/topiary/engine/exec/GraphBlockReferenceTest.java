package dev.topiary.engine.exec;

import static dev.topiary.engine.exec.ExecFixtures.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The graph executor against the same network written by hand with DJL's own blocks, with the same
 * parameter values: outputs and BN running statistics must agree.
 */
class GraphBlockReferenceTest {
  private static final Map<ParamRole, String> DJL_NAMES = new EnumMap<>(Map.of(
      ParamRole.WEIGHT, "weight", ParamRole.BIAS, "bias", ParamRole.GAMMA, "gamma",
      ParamRole.BETA, "beta", ParamRole.RUNNING_MEAN, "runningMean", ParamRole.RUNNING_VAR, "runningVar"));
  private static final Shape INPUT = new Shape(4, 3, 9, 9);

  private NDManager manager;
  private GraphBlock graphBlock;
  private Block reference;
  private final Map<String, Block> referenceLayers = new HashMap<>();

  @BeforeEach
  void build() {
    GradMode.set(false);
    manager = NDManager.newBaseManager();
    graphBlock = new GraphBlock(ExecFixtures.coverage(), 3);
    graphBlock.initialize(manager);
    ExecFixtures.randomizeBatchNorms(graphBlock);
    reference = handWritten();
    reference.initialize(manager, DataType.FLOAT32, INPUT);
    try (GradMode.Scope s = GradMode.disabled()) {
      for (ParamKey k : graphBlock.graph().paramShapes().keySet()) {
        NDArray target = referenceLayers.get(k.node()).getParameters().get(DJL_NAMES.get(k.role())).getArray();
        assertEquals(graphBlock.parameterArrays().get(k).getShape(), target.getShape(), k.toString());
        target.set(graphBlock.parameterData(k));
      }
    }
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private <B extends Block> B layer(String name, B block) {
    referenceLayers.put(name, block);
    return block;
  }

  private Block handWritten() {
    Shape k3 = new Shape(3, 3);
    Shape one = new Shape(1, 1);
    Shape two = new Shape(2, 2);
    SequentialBlock branchA = new SequentialBlock()
        .add(layer("pw", Conv2d.builder().setKernelShape(one).setFilters(4).build()))
        .add(Activation.leakyReluBlock(0.1f));
    SequentialBlock branchB = new SequentialBlock()
        .add(layer("grp", Conv2d.builder().setKernelShape(k3).optPadding(one).optGroups(2).setFilters(4).optBias(false).build()))
        .add(Activation.swishBlock(1f));
    ParallelBlock mixer = new ParallelBlock(
        outs -> new NDList(NDArrays.concat(new NDList(outs.get(0).head(), outs.get(1).head()), 1).add(outs.get(2).head())),
        List.of(branchA, branchB, Blocks.identityBlock()));
    ParallelBlock pools = new ParallelBlock(
        outs -> new NDList(outs.get(0).head().add(outs.get(1).head())),
        List.of(Pool.maxPool2dBlock(k3, two, one, true), Pool.avgPool2dBlock(two, two, one, true, true)));
    return new SequentialBlock()
        .add(layer("conv1", Conv2d.builder().setKernelShape(k3).optPadding(one).setFilters(8).optBias(false).build()))
        .add(layer("bn1", BatchNorm.builder().build()))
        .add(Activation.reluBlock())
        .add(layer("dw", Conv2d.builder().setKernelShape(k3).optStride(two).optPadding(two).optDilation(two)
            .optGroups(8).setFilters(8).optBias(false).build()))
        .add(layer("bn2", BatchNorm.builder().build()))
        .add(Activation.relu6Block())
        .add(mixer)
        .add(LambdaBlock.singleton(x -> x.mul(Activation.relu6(x.add(3))).div(6)))
        .add(pools)
        .add(LambdaBlock.singleton(GraphBlockReferenceTest::shortcutByHand))
        .add(LambdaBlock.singleton(GraphBlockReferenceTest::upsampleByBroadcast))
        .add(Activation.sigmoidBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(layer("bn3", BatchNorm.builder().build()))
        .add(Dropout.builder().optRate(0.5f).build())
        .add(layer("fc", Linear.builder().setUnits(6).build()));
  }

  private static NDArray shortcutByHand(NDArray x) {
    NDArray sub = x.get(":, :, 0::2, 0::2");
    Shape s = sub.getShape();
    NDArray zeros = x.getManager().zeros(new Shape(s.get(0), 2, s.get(2), s.get(3)));
    return NDArrays.concat(new NDList(zeros, sub, zeros), 1);
  }

  private static NDArray upsampleByBroadcast(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), s.get(2), 1, s.get(3), 1)
        .broadcast(s.get(0), s.get(1), s.get(2), 2, s.get(3), 2)
        .reshape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
  }

  private float[] runGraph(NDArray x, boolean training) {
    return graphBlock.forward(new ParameterStore(manager, false), new NDList(x), training).head().toFloatArray();
  }

  private float[] runReference(NDArray x, boolean training) {
    return reference.forward(new ParameterStore(manager, false), new NDList(x), training).head().toFloatArray();
  }

  @Test
  void inferenceMatchesHandWrittenDjlNetwork() {
    NDArray x = ExecFixtures.input(manager, 1, INPUT.getShape());
    float[] expected = runReference(x, false);
    float[] got = runGraph(x, false);
    assertEquals(4 * 6, got.length);
    assertTrue(maxAbsDiff(expected, got) < 1e-5f, "max diff " + maxAbsDiff(expected, got));
    assertEquals(got.length, graphBlock.infer(x).size());
    assertTrue(maxAbsDiff(expected, graphBlock.infer(x).toFloatArray()) < 1e-5f);
  }

  @Test
  void trainingForwardMatchesAndUpdatesRunningStatsLikeDjl() {
    NDArray x = ExecFixtures.input(manager, 2, INPUT.getShape());
    Engine.getInstance().setRandomSeed(11); // same dropout mask in both passes
    float[] expected = runReference(x, true);
    Engine.getInstance().setRandomSeed(11);
    float[] got = runGraph(x, true);
    assertTrue(maxAbsDiff(expected, got) < 1e-5f, "max diff " + maxAbsDiff(expected, got));
    for (String bn : List.of("bn1", "bn2", "bn3")) {
      for (ParamRole r : List.of(ParamRole.RUNNING_MEAN, ParamRole.RUNNING_VAR)) {
        ParamKey k = new ParamKey(bn, r);
        float[] ref = referenceLayers.get(bn).getParameters().get(DJL_NAMES.get(r)).getArray().toFloatArray();
        float[] mine = graphBlock.parameterData(k);
        assertTrue(maxAbsDiff(ref, mine) < 1e-6f, k + " differs by " + maxAbsDiff(ref, mine));
      }
    }
    float[] before = ExecFixtures.uniform(8, -0.5f, 0.5f, 100 + 1); // bn1.running_mean as randomized
    assertTrue(maxAbsDiff(before, graphBlock.parameterData(new ParamKey("bn1", ParamRole.RUNNING_MEAN))) > 1e-3f,
        "the training pass must move the running mean");
  }

  @Test
  void outputShapesComeFromTheGraph() {
    assertArrayEquals(new Shape[] {new Shape(4, 6)}, graphBlock.getOutputShapes(new Shape[] {INPUT}));
    assertArrayEquals(reference.getOutputShapes(new Shape[] {INPUT}), graphBlock.getOutputShapes(new Shape[] {INPUT}));
  }
}
