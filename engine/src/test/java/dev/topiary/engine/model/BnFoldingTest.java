package dev.topiary.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.engine.zoo.Zoo;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BnFoldingTest {
  /** Folding reorders float32 products and sums: about 1e-7 of the output's scale was seen. */
  private static final double FLOAT32_ROUNDING = 1e-6;

  static Stream<Arguments> zooModels() {
    return Stream.of(
        // every BN follows a conv read by it alone
        Arguments.of("resnet20-A", ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.A).build(), 0),
        Arguments.of("resnet20-B", ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.B).build(), 0),
        Arguments.of("mobilenetv2-cifar", ModelSpec.builder().setArch("mobilenetv2").optCifar(true).build(), 0),
        // the classifier's BatchNorm1d follows a Gemm and stays
        Arguments.of("vgg16-bn", ModelSpec.of("vgg16-bn"), 1),
        // pre-activation (BN, ReLU, conv): no BN reads a conv read by it alone; nothing folds (-1: all stay)
        Arguments.of("densenet40", ModelSpec.builder().setArch("densenet40").optNumClasses(5).build(), -1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zooModels")
  void foldedModelComputesTheSameOutputsWithoutTheFoldedBns(String label, ModelSpec spec, int unfolded) {
    Model model = ModelFixtures.randomised(Zoo.build(spec), 3);
    Model folded = BnFolding.fold(model);
    long bns = ModelFixtures.count(model.graph(), OpType.BATCH_NORMALIZATION);
    long left = ModelFixtures.count(folded.graph(), OpType.BATCH_NORMALIZATION);
    assertEquals(unfolded < 0 ? bns : unfolded, left, label + ": BNs left");
    assertTrue(bns > 0);
    assertEquals(model.graph().nodes().size() - (bns - left), folded.graph().nodes().size(), label + ": one node less per folded BN");
    assertEquals(model.graph().outputs(), folded.graph().outputs());
    float[] x = ModelFixtures.input(model.graph(), 2, 5);
    float[] expected = ModelFixtures.djlOutputs(model, x, 2).values().iterator().next();
    float[] actual = ModelFixtures.djlOutputs(folded, x, 2).values().iterator().next();
    double diff = ModelFixtures.relativeDifference(expected, actual);
    assertTrue(diff <= FLOAT32_ROUNDING, label + ": folded output differs by " + diff);
  }

  @Test
  void bnThatIsAGraphOutputLendsItsNameToTheFusedConv() {
    GraphBuilder b = Graph.builder("head");
    b.input("x", 3, 6, 6);
    b.add("conv", Conv.of(4, 3, 1, 1).withBias(true), "x");
    b.add("bn", new BatchNormalization(1e-3, 0.1), "conv");
    Model model = ModelFixtures.randomised(b.output("bn").build(), 1);
    Model folded = BnFolding.fold(model);
    Graph g = folded.graph();
    assertEquals(List.of("bn"), g.outputs());
    assertEquals(1, g.nodes().size());
    assertEquals(OpType.CONV, g.node("bn").type());
    assertFalse(g.hasNode("conv"));
    assertTrue(folded.weights().contains(new ParamKey("bn", ParamRole.BIAS)));
    float[] x = ModelFixtures.input(g, 3, 2);
    double diff = ModelFixtures.relativeDifference(
        ModelFixtures.djlOutputs(model, x, 3).get("bn"), ModelFixtures.djlOutputs(folded, x, 3).get("bn"));
    assertTrue(diff <= FLOAT32_ROUNDING, "folded output differs by " + diff);
  }

  @Test
  void foldsScaleAndShiftIntoEachOutputChannel() {
    GraphBuilder b = Graph.builder("one");
    b.input("x", 1, 1, 1);
    b.add("conv", Conv.of(2, 1, 1, 0), "x");
    b.add("bn", new BatchNormalization(0.25, 0.1), "conv");
    b.add("relu", new Relu(), "bn");
    Graph g = b.output("relu").build();
    Model model = ModelFixtures.randomised(g, 1);
    model.weights().put(new ParamKey("conv", ParamRole.WEIGHT), new Tensor(new int[] {2, 1, 1, 1}, new float[] {2, -1}));
    model.weights().put(new ParamKey("bn", ParamRole.GAMMA), new Tensor(new int[] {2}, new float[] {3, 1}));
    model.weights().put(new ParamKey("bn", ParamRole.BETA), new Tensor(new int[] {2}, new float[] {0.5f, -1}));
    model.weights().put(new ParamKey("bn", ParamRole.RUNNING_MEAN), new Tensor(new int[] {2}, new float[] {1, 2}));
    model.weights().put(new ParamKey("bn", ParamRole.RUNNING_VAR), new Tensor(new int[] {2}, new float[] {0.75f, 3.75f}));
    Model folded = BnFolding.fold(model);
    // s = gamma / sqrt(var + 0.25) = {3, 0.5}
    assertEquals(new Tensor(new int[] {2, 1, 1, 1}, new float[] {6, -0.5f}), folded.weights().get(new ParamKey("conv", ParamRole.WEIGHT)));
    assertEquals(new Tensor(new int[] {2}, new float[] {-2.5f, -2}), folded.weights().get(new ParamKey("conv", ParamRole.BIAS)));
    assertEquals(List.of("conv"), folded.graph().node("relu").inputs());
    assertEquals(1f, model.weights().get(new ParamKey("bn", ParamRole.RUNNING_MEAN)).data()[0], "the input model is unchanged");
  }

  @Test
  void leavesABnAloneWhenItsConvHasAnotherReader() {
    GraphBuilder b = Graph.builder("shared");
    b.input("x", 3, 4, 4);
    b.add("conv", Conv.of(4, 3, 1, 1), "x");
    b.add("bn", BatchNormalization.standard(), "conv");
    b.add("relu", new Relu(), "conv");
    Model model = ModelFixtures.randomised(b.output("bn").output("relu").build(), 1);
    assertSame(model, BnFolding.fold(model));
    assertEquals(Map.of(), BnFolding.foldable(model.graph()));
  }
}
