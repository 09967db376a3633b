package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.*;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What surgery makes of the imported ops' attributes and parameters. */
class SurgeryImportedOpsTest {

  private static Tensor param(Model m, String node, ParamRole role) {
    return m.weights().get(new ParamKey(node, role));
  }

  private static int outChannels(Model m, String conv) {
    return ((Conv) m.graph().node(conv).op()).outChannels();
  }

  @Test
  void prunesTheSeGateConstantsAndInstanceNormWithTheFeatures() {
    Model m = SurgeryTest.randomModel(ImportedGraphs.seConv(), 1);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("conv1"), new int[] {1, 4, 6}, "test");
    assertEquals(5, outChannels(p, "conv1"));
    assertEquals(5, outChannels(p, "se.expand"));
    assertArrayEquals(new int[] {5}, param(p, "se.expand", ParamRole.BIAS).shape());
    assertArrayEquals(new int[] {4, 5, 1, 1}, param(p, "se.reduce", ParamRole.WEIGHT).shape());
    assertArrayEquals(new int[] {6, 5, 3, 3}, param(p, "conv2", ParamRole.WEIGHT).shape());
    for (String constant : List.of("scale", "mean")) {
      assertEquals(new Constant(TensorShape.of(5, 1, 1)), p.graph().node(constant).op());
      float[] before = param(m, constant, ParamRole.VALUE).data();
      assertArrayEquals(new float[] {before[0], before[2], before[3], before[5], before[7]}, param(p, constant, ParamRole.VALUE).data());
    }
    for (ParamRole r : List.of(ParamRole.GAMMA, ParamRole.BETA)) {
      float[] before = param(m, "in1", r).data();
      assertArrayEquals(new float[] {before[0], before[2], before[3], before[5], before[7]}, param(p, "in1", r).data(), r.key());
    }
    assertEquals(TensorShape.of(5, 18, 18), p.graph().shape("up"));
    assertEquals(m.graph().node("pad").op(), p.graph().node("pad").op(), "no channel attribute: unchanged");
  }

  @Test
  void movesTheSlicesBoundsByTheChannelsCutBelowThem() {
    Model m = SurgeryTest.randomModel(ImportedGraphs.seConv(), 2);
    DependencyGraph d = DependencyGraph.of(m.graph());
    // slice b's units 0 and 2 are conv2's channels 2 and 4
    Model p = Surgery.prune(m, d, d.groupOf("conv2", 2), new int[] {0, 2}, "");
    assertEquals(4, outChannels(p, "conv2"));
    assertEquals(new Slice(0, 2), p.graph().node("a").op());
    assertEquals(new Slice(2, 4), p.graph().node("b").op());
    assertArrayEquals(new int[] {4, 2, 1, 1}, param(p, "convB", ParamRole.WEIGHT).shape());
    // slice a's unit 1 is conv2's channel 1: both bounds of b move down
    Model q = Surgery.prune(m, d, d.groupOf("conv2", 0), new int[] {1}, "");
    assertEquals(new Slice(0, 1), q.graph().node("a").op());
    assertEquals(new Slice(1, 5), q.graph().node("b").op());
    assertArrayEquals(new int[] {4, 4, 1, 1}, param(q, "convB", ParamRole.WEIGHT).shape());
  }

  @Test
  void aSliceAcrossTwoGroupsLosesOnlyTheCutChannels() {
    // channels 0-1 feed 'lo' and 'all' (one group), channels 2-5 only 'all' (another)
    GraphBuilder b = Graph.builder("nested");
    b.input("x", 3, 4, 4);
    b.add("c", Conv.of(6, 1, 1, 0), "x");
    b.add("lo", new Slice(0, 2), "c");
    b.add("all", new Slice(0, 6), "c");
    b.add("l", Conv.of(2, 1, 1, 0), "lo");
    b.add("h", Conv.of(2, 1, 1, 0), "all");
    b.add("cat", new Concat(), "l", "h");
    Graph g = b.output("cat").build();
    DependencyGraph d = DependencyGraph.of(g);
    assertEquals(List.of(2, 4), d.groupsOf("c").stream().map(ChannelGroup::units).toList());
    Graph first = Surgery.pruneGraph(g, d.groupOf("c", 0), new int[] {0});
    assertEquals(new Slice(0, 1), first.node("lo").op());
    assertEquals(new Slice(0, 5), first.node("all").op());
    Graph second = Surgery.pruneGraph(g, d.groupOf("c", 2), new int[] {0, 1, 3});
    assertEquals(new Slice(0, 2), second.node("lo").op());
    assertEquals(new Slice(0, 3), second.node("all").op());
    assertEquals(TensorShape.of(3, 4, 4), second.shape("c"));
  }

  @Test
  void prunesTheGemmGateAndItsReshapeButNotTheScalarConstant() {
    Model m = SurgeryTest.randomModel(ImportedGraphs.seGemm(), 4);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("conv1"), new int[] {0, 5}, "");
    assertEquals(4, ((Gemm) p.graph().node("fc2").op()).outFeatures());
    assertArrayEquals(new int[] {4, 3}, param(p, "fc2", ParamRole.WEIGHT).shape());
    assertArrayEquals(new int[] {4}, param(p, "fc2", ParamRole.BIAS).shape());
    assertArrayEquals(new int[] {3, 4}, param(p, "fc1", ParamRole.WEIGHT).shape());
    assertEquals(new Reshape(TensorShape.of(4, 1, 1)), p.graph().node("unsqueeze").op());
    assertEquals(new Constant(TensorShape.of(1, 1, 1)), p.graph().node("half").op());
    assertArrayEquals(param(m, "half", ParamRole.VALUE).data(), param(p, "half", ParamRole.VALUE).data());
    assertEquals(Surgery.pruneGraph(m.graph(), d.groupOf("conv1"), new int[] {0, 5}).nodes(), p.graph().nodes());
    assertEquals(p.graph().nodes(), Surgery.replay(m, p.history()).graph().nodes());
  }
}
