package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.*;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Coupling through the ops that ONNX import brings: gates, constants, slices, softmax. */
class DependencyGraphImportedOpsTest {

  @Test
  void seBlockWithAConvGateJoinsTheGroupOfTheChannelsItGates() {
    DependencyGraph d = DependencyGraph.of(ImportedGraphs.seConv());
    ChannelGroup g = d.groupOf("conv1");
    assertEquals(8, g.units());
    assertEquals(List.of("conv1", "se.expand"), g.producers());
    assertEquals(List.of("se.reduce", "conv2"), g.consumers());
    assertEquals(Set.of("conv1", "in1", "relu1", "gap", "se.expand", "se.gate", "se", "scale", "scaled", "mean",
        "centred", "pad", "up"), g.indices().keySet());
    assertArrayEquals(new int[] {5}, g.indices().get("se.expand")[5]);
    assertArrayEquals(new int[] {5}, g.indices().get("scale")[5], "the per-channel constant, channel by channel");
    assertTrue(g.prunable(), g.blockedBy());
    ChannelGroup reduce = d.groupOf("se.reduce");
    assertEquals(4, reduce.units());
    assertEquals(List.of("se.expand"), reduce.consumers());
  }

  @Test
  void seBlockWithAGemmGateCouplesThroughReshapeWhicheverOperandItIs() {
    DependencyGraph d = DependencyGraph.of(ImportedGraphs.seGemm());
    ChannelGroup g = d.groupOf("conv1");
    assertEquals(6, g.units());
    assertEquals(List.of("conv1", "fc2"), g.producers());
    assertEquals(List.of("fc1", "conv2"), g.consumers());
    assertTrue(g.indices().keySet().containsAll(List.of("unsqueeze", "gate", "se", "scaled", "squeeze")), g.indices().keySet().toString());
    assertArrayEquals(new int[] {2}, g.indices().get("unsqueeze")[2]);
    assertTrue(g.prunable(), g.blockedBy());
  }

  @Test
  void aBroadcastScalarConstantStaysOutOfTheGroupsItMeets() {
    DependencyGraph d = DependencyGraph.of(ImportedGraphs.seGemm());
    assertFalse(d.groupOf("conv1").indices().containsKey("half"));
    ChannelGroup scalar = d.groupOf("half");
    assertEquals(1, scalar.units());
    assertEquals(Set.of("half"), scalar.indices().keySet());
    assertEquals("no Conv or Gemm produces these channels", scalar.blockedBy());
  }

  @Test
  void aScalarConstantSharedByTwoBranchesDoesNotJoinThem() {
    GraphBuilder b = Graph.builder("shared-scalar");
    b.input("x", 3, 4, 4);
    b.add("s", new Constant(TensorShape.of(1, 1, 1)));
    b.add("p", Conv.of(4, 1, 1, 0), "x");
    b.add("q", Conv.of(4, 1, 1, 0), "x");
    b.add("ps", new Mul(), "p", "s");
    b.add("qs", new Sub(), "s", "q");
    b.add("cat", new Concat(), "ps", "qs");
    b.add("out", Conv.of(2, 1, 1, 0), "cat");
    DependencyGraph d = DependencyGraph.of(b.output("out").build());
    assertNotSame(d.groupOf("p"), d.groupOf("q"));
    assertEquals(Set.of("p", "ps", "cat"), d.groupOf("p").indices().keySet());
    assertEquals(Set.of("q", "qs", "cat"), d.groupOf("q").indices().keySet());
    assertEquals(4, d.groupOf("q").units());
    assertTrue(d.groupOf("q").prunable());
    assertEquals(Set.of("s"), d.groupOf("s").indices().keySet());
  }

  @Test
  void aOneChannelAttentionMapIsBroadcastNotCoupled() {
    GraphBuilder b = Graph.builder("spatial-attention");
    b.input("x", 3, 4, 4);
    b.add("f", Conv.of(4, 3, 1, 1), "x");
    b.add("att", Conv.of(1, 1, 1, 0), "f");
    b.add("att.sig", new Sigmoid(), "att");
    b.add("gated", new Mul(), "f", "att.sig");
    b.add("out", Conv.of(2, 1, 1, 0), "gated");
    DependencyGraph d = DependencyGraph.of(b.output("out").build());
    ChannelGroup f = d.groupOf("f");
    assertEquals(4, f.units());
    assertEquals(Set.of("f", "gated"), f.indices().keySet());
    assertEquals(List.of("att", "out"), f.consumers());
    assertEquals(List.of("att"), d.groupOf("att").producers());
    assertEquals(1, d.groupOf("att").units());
  }

  @Test
  void slicesSplitAConvsChannelsIntoOneGroupPerSlice() {
    DependencyGraph d = DependencyGraph.of(ImportedGraphs.seConv());
    List<ChannelGroup> groups = d.groupsOf("conv2");
    assertEquals(2, groups.size());
    ChannelGroup a = d.groupOf("conv2", 0);
    ChannelGroup b = d.groupOf("conv2", 2);
    assertEquals(2, a.units());
    assertEquals(4, b.units());
    assertEquals(List.of("conv2"), a.producers());
    assertEquals(List.of("conv2"), b.producers());
    assertEquals(List.of("convA"), a.consumers());
    assertEquals(List.of("convB"), b.consumers());
    assertFalse(a.indices().containsKey("b"));
    assertArrayEquals(new int[] {3}, b.indices().get("lin")[1], "slice b's channel 1 is input channel 2 + 1");
    assertArrayEquals(new int[] {1}, b.indices().get("b")[1]);
  }

  @Test
  void overlappingSlicesSplitWhereTheirRangesBegin() {
    GraphBuilder b = Graph.builder("overlap");
    b.input("x", 3, 4, 4);
    b.add("c", Conv.of(8, 1, 1, 0), "x");
    b.add("lo", new Slice(0, 6), "c");
    b.add("hi", new Slice(2, 8), "c");
    b.add("l", Conv.of(2, 1, 1, 0), "lo");
    b.add("h", Conv.of(2, 1, 1, 0), "hi");
    b.add("cat", new Concat(), "l", "h");
    DependencyGraph d = DependencyGraph.of(b.output("cat").build());
    assertEquals(List.of(2, 4, 2), d.groupsOf("c").stream().map(ChannelGroup::units).toList());
    assertEquals(List.of("l", "h"), d.groupOf("c", 3).consumers());
    assertArrayEquals(new int[] {1}, d.groupOf("c", 3).indices().get("hi")[1]);
  }

  @Test
  void softmaxOverChannelsBlocksTheGroupItNormalises() {
    GraphBuilder b = Graph.builder("attention");
    b.input("x", 3, 4, 4);
    b.add("c", Conv.of(4, 1, 1, 0), "x");
    b.add("sm", new Softmax(), "c");
    b.add("out", Conv.of(2, 1, 1, 0), "sm");
    b.add("lsm", new LogSoftmax(), "out");
    b.add("last", Conv.of(2, 1, 1, 0), "lsm");
    DependencyGraph d = DependencyGraph.of(b.output("last").build());
    assertEquals(Set.of("c", "sm"), d.groupOf("c").indices().keySet());
    assertEquals("Softmax 'sm' normalises over all these channels", d.groupOf("c").blockedBy());
    assertEquals("LogSoftmax 'lsm' normalises over all these channels", d.groupOf("out").blockedBy());
  }
}
