package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BlockWeightsInferenceTest {
  /** The bound: folding reorders float32 products and sums (about 1e-7 seen). */
  private static final double TOLERANCE = 1e-4;
  private static final int BATCH = 2;

  static Stream<Arguments> zooModels() {
    return Stream.of(
        Arguments.of("resnet20-B", ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.B).optInputShape(3, 16, 16).build()),
        Arguments.of("mobilenetv2-cifar", ModelSpec.builder().setArch("mobilenetv2").optCifar(true).optInputShape(3, 16, 16).build()),
        Arguments.of("vgg16-bn", ModelSpec.builder().setArch("vgg16-bn").optInputShape(3, 32, 32).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zooModels")
  void foldedBlockInfersTheSameOutputsWithFewerNodes(String label, ModelSpec spec) {
    // random BN running statistics, gammas and betas: a default BN is an identity and would hide a wrong fold
    Model model = ModelFixtures.randomised(Zoo.build(spec), 7);
    Graph g = model.graph();
    float[] x = ModelFixtures.input(g, BATCH, 11);
    try (NDManager m = NDManager.newBaseManager()) {
      GraphBlock plain = BlockWeights.load(model, m);
      GraphBlock folded = BlockWeights.loadForInference(model, m);
      Shape shape = g.inputs().get(0).shape().withBatch(BATCH);
      NDArray expected = plain.infer(m.create(x, shape));
      NDArray actual = folded.infer(m.create(x, shape));
      assertEquals(expected.getShape(), actual.getShape(), label);
      float[] e = expected.toFloatArray();
      assertTrue(maxAbs(e) > 1e-3, label + ": a vanishing output would prove nothing");
      double diff = ModelFixtures.relativeDifference(e, actual.toFloatArray());
      assertTrue(diff <= TOLERANCE, label + ": folded output differs by " + diff + " of the output's scale");

      long bns = ModelFixtures.count(g, OpType.BATCH_NORMALIZATION);
      long left = ModelFixtures.count(folded.graph(), OpType.BATCH_NORMALIZATION);
      long convsReadByABn = g.nodes().stream().filter(n -> n.type() == OpType.CONV && g.consumers(n.name()).size() == 1
          && g.node(g.consumers(n.name()).get(0)).type() == OpType.BATCH_NORMALIZATION).count();
      assertTrue(convsReadByABn > 0, label);
      assertEquals(bns - convsReadByABn, left, label + ": every BN after a conv read by it alone folds");
      assertEquals(g.nodes().size() - convsReadByABn, folded.graph().nodes().size(), label + ": one node less per folded BN");
      assertEquals(g.outputs(), folded.graph().outputs(), label);
      assertNotEquals(plain.parameterArrays().size(), folded.parameterArrays().size(), label);
    }
  }

  @Test
  void foldedDetectorGivesTheSameHeadMapsForEveryOutput() {
    Model model = ModelFixtures.randomised(Zoo.build(
        ModelSpec.builder().setArch("yolov5n").optNumClasses(3).optInputShape(3, 64, 64).build()), 5);
    Graph g = model.graph();
    assertTrue(g.outputs().size() > 1, "a multi-output graph");
    float[] x = ModelFixtures.input(g, BATCH, 13);
    try (NDManager m = NDManager.newBaseManager()) {
      Shape shape = g.inputs().get(0).shape().withBatch(BATCH);
      NDList expected = BlockWeights.load(model, m).infer(new NDList(m.create(x, shape)));
      GraphBlock foldedBlock = BlockWeights.loadForInference(model, m);
      NDList actual = foldedBlock.infer(new NDList(m.create(x, shape)));
      assertEquals(g.outputs(), foldedBlock.graph().outputs());
      assertEquals(expected.size(), actual.size());
      for (int i = 0; i < expected.size(); i++) {
        double diff = ModelFixtures.relativeDifference(expected.get(i).toFloatArray(), actual.get(i).toFloatArray());
        assertTrue(diff <= TOLERANCE, g.outputs().get(i) + ": folded output differs by " + diff);
      }
      assertTrue(ModelFixtures.count(foldedBlock.graph(), OpType.BATCH_NORMALIZATION) < ModelFixtures.count(g, OpType.BATCH_NORMALIZATION));
    }
  }

  @Test
  void foldedBnNamesAreGoneAndTheirConvsTakeABias() {
    Model model = ModelFixtures.randomised(Zoo.build(
        ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.B).optInputShape(3, 8, 8).build()), 1);
    Graph g = model.graph();
    Node firstBn = g.nodes().stream().filter(n -> n.type() == OpType.BATCH_NORMALIZATION).findFirst().orElseThrow();
    String conv = firstBn.inputs().get(0);
    try (NDManager m = NDManager.newBaseManager()) {
      Graph folded = BlockWeights.loadForInference(model, m).graph();
      assertFalse(folded.hasNode(firstBn.name()), "a folded BN's node name cannot be captured");
      assertEquals(OpType.CONV, folded.node(conv).type());
      assertTrue(hasBias(folded, conv), "the fused conv carries the BN's shift");
      assertEquals(List.of(conv), folded.consumers(conv).stream().flatMap(r -> folded.node(r).inputs().stream()).distinct().toList(),
          "the BN's reader reads the fused conv");
    }
  }

  @Test
  void modelWithoutBatchNormGivesTheSameGraph() {
    Model model = ModelFixtures.randomised(Zoo.build("lenet5"), 2);
    try (NDManager m = NDManager.newBaseManager()) {
      assertEquals(model.graph().nodes().size(), BlockWeights.loadForInference(model, m).graph().nodes().size());
    }
  }

  private static boolean hasBias(Graph g, String conv) {
    return g.paramShapes().keySet().stream().anyMatch(k -> k.node().equals(conv) && k.role() == ParamRole.BIAS);
  }

  private static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }
}
