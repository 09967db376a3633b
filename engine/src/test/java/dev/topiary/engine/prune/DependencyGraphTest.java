package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.*;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

  static Graph chain() {
    GraphBuilder b = Graph.builder("chain");
    b.input("input", 3, 8, 8);
    b.add("conv1", Conv.of(4, 3, 1, 1), "input");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    b.add("relu1", new Relu(), "bn1");
    b.add("pool1", MaxPool.of(2, 2), "relu1");
    b.add("conv2", Conv.of(6, 3, 1, 1), "pool1");
    b.add("relu2", new Relu(), "conv2");
    b.add("flat", new Flatten(), "relu2");
    b.add("fc1", new Gemm(5, true), "flat");
    b.add("fc2", new Gemm(3, true), "fc1");
    return b.output("fc2").build();
  }

  @Test
  void chainGroupsFollowConvBnActivationAndPoolIntoTheNextConv() {
    DependencyGraph d = DependencyGraph.of(chain());
    ChannelGroup g1 = d.groupOf("conv1");
    assertEquals(4, g1.units());
    assertEquals(List.of("conv1"), g1.producers());
    assertEquals(List.of("bn1"), g1.normalizers());
    assertEquals(List.of("conv2"), g1.consumers());
    assertEquals(Set.of("conv1", "bn1", "relu1", "pool1"), g1.indices().keySet());
    assertTrue(g1.prunable());
  }

  @Test
  void flattenMapsEachChannelToItsHeightTimesWidthFeatures() {
    ChannelGroup g2 = DependencyGraph.of(chain()).groupOf("conv2");
    assertEquals(6, g2.units());
    assertEquals(List.of("fc1"), g2.consumers());
    int[][] flat = g2.indices().get("flat");
    assertArrayEquals(new int[] {16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}, flat[1]);
  }

  @Test
  void blocksInputAndOutputChannelsAndExcludedNodes() {
    DependencyGraph d = DependencyGraph.of(chain(), Set.of("conv1"));
    assertEquals("holds the channels of graph input 'input'", d.groupOf("input").blockedBy());
    assertEquals("feeds graph output 'fc2'", d.groupOf("fc2").blockedBy());
    assertEquals("node 'conv1' is excluded", d.groupOf("conv1").blockedBy());
    assertTrue(d.groupOf("fc1").prunable());
    assertEquals(List.of("conv2", "fc1"), d.prunableGroups().stream().map(ChannelGroup::name).toList());
  }

  @Test
  void rejectsUnknownExcludedNode() {
    var e = assertThrows(InvalidModelException.class, () -> DependencyGraph.of(chain(), Set.of("nope")));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  /** Two stages of option-A residual blocks: 4 then 8 channels. */
  static Graph optionA() {
    GraphBuilder b = Graph.builder("resA");
    b.input("input", 3, 8, 8);
    b.add("stem", Conv.of(4, 3, 1, 1), "input");
    b.add("stem.relu", new Relu(), "stem");
    b.add("b1.conv1", Conv.of(4, 3, 1, 1), "stem.relu");
    b.add("b1.relu", new Relu(), "b1.conv1");
    b.add("b1.conv2", Conv.of(4, 3, 1, 1), "b1.relu");
    b.add("b1.add", new Add(), "b1.conv2", "stem.relu");
    b.add("b2.conv1", Conv.of(8, 3, 2, 1), "b1.add");
    b.add("b2.relu", new Relu(), "b2.conv1");
    b.add("b2.conv2", Conv.of(8, 3, 1, 1), "b2.relu");
    b.add("b2.short", new ZeroPadShortcut(2, 2, 2), "b1.add");
    b.add("b2.add", new Add(), "b2.conv2", "b2.short");
    b.add("gap", new GlobalAveragePool(), "b2.add");
    b.add("flat", new Flatten(), "gap");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  @Test
  void addCouplesAllInputsAndOptionAShortcutCouplesWithItsPadOffset() {
    DependencyGraph d = DependencyGraph.of(optionA());
    ChannelGroup stage1 = d.groupOf("stem");
    assertEquals(4, stage1.units());
    assertEquals(List.of("stem", "b1.conv2", "b2.conv2"), stage1.producers());
    assertEquals(List.of("b1.conv1", "b2.conv1", "fc"), stage1.consumers());
    // stage-1 channel c is channel 2 + c of the stage-2 sum, so b2.conv2's filter 2 + c goes with it
    assertArrayEquals(new int[] {2}, stage1.indices().get("b2.add")[0]);
    assertArrayEquals(new int[] {5}, stage1.indices().get("b2.conv2")[3]);
    assertArrayEquals(new int[] {3}, stage1.indices().get("flat")[1]); // after global pooling, one feature per channel
    ChannelGroup pads = d.groupOf("b2.short", 0);
    assertNotSame(stage1, pads);
    assertSame(stage1, d.groupOf("b2.short", 2));
    assertEquals(2, d.groupsOf("b2.add").size());
    assertEquals(4, pads.units(), "the zero-padded channels 0,1,6,7 form their own group");
    assertArrayEquals(new int[] {0}, pads.indices().get("b2.short")[0]);
    assertArrayEquals(new int[] {7}, pads.indices().get("b2.short")[3]);
    assertEquals(List.of("b2.conv2"), pads.producers());
    assertTrue(d.groupOf("b1.conv1").prunable());
    assertEquals(1, d.groupOf("b1.conv1").producers().size());
  }

  @Test
  void concatMapsInputRangesOntoItsOutput() {
    GraphBuilder b = Graph.builder("cat");
    b.input("input", 3, 4, 4);
    b.add("a", Conv.of(2, 1, 1, 0), "input");
    b.add("b", Conv.of(3, 1, 1, 0), "input");
    b.add("cat", new Concat(), "a", "b");
    b.add("c", Conv.of(5, 1, 1, 0), "cat");
    b.add("cat2", new Concat(), "cat", "c");
    b.add("out", Conv.of(2, 1, 1, 0), "cat2");
    DependencyGraph d = DependencyGraph.of(b.output("out").build());
    ChannelGroup gb = d.groupOf("b");
    assertEquals(3, gb.units());
    assertArrayEquals(new int[] {2}, gb.indices().get("cat")[0]);
    assertArrayEquals(new int[] {4}, gb.indices().get("cat2")[2]);
    assertEquals(List.of("c", "out"), gb.consumers());
    assertArrayEquals(new int[] {5}, d.groupOf("c").indices().get("cat2")[0]);
  }

  @Test
  void depthwiseConvCouplesItsInputAndOutputChannels() {
    GraphBuilder b = Graph.builder("dw");
    b.input("input", 3, 4, 4);
    b.add("expand", Conv.of(6, 1, 1, 0), "input");
    b.add("act", Clip.relu6(), "expand");
    b.add("dw", Conv.of(6, 3, 1, 1).withGroups(6), "act");
    b.add("bn", BatchNormalization.standard(), "dw");
    b.add("project", Conv.of(4, 1, 1, 0), "bn");
    DependencyGraph d = DependencyGraph.of(b.output("project").build());
    ChannelGroup g = d.groupOf("expand");
    assertEquals(List.of("expand", "dw"), g.producers());
    assertEquals(List.of("bn"), g.normalizers());
    assertEquals(List.of("project"), g.consumers());
    assertTrue(g.prunable());
  }

  @Test
  void groupedConvBlocksItsGroupsWithAReason() {
    GraphBuilder b = Graph.builder("grouped");
    b.input("input", 3, 4, 4);
    b.add("a", Conv.of(4, 1, 1, 0), "input");
    b.add("g", Conv.of(4, 3, 1, 1).withGroups(2), "a");
    b.add("out", Conv.of(2, 1, 1, 0), "g");
    DependencyGraph d = DependencyGraph.of(b.output("out").build());
    assertEquals("grouped conv 'g' (groups 2) cannot lose single input channels", d.groupOf("a").blockedBy());
    assertEquals("grouped conv 'g' (groups 2) cannot lose single output channels", d.groupOf("g").blockedBy());
  }

  @Test
  void reportListsEveryGroupWithItsStatus() {
    String r = DependencyGraph.of(chain(), Set.of("conv1")).report();
    assertTrue(r.contains("Channel groups of chain: 5 (2 prunable)"), r);
    assertTrue(r.contains("blocked: node 'conv1' is excluded"), r);
    assertTrue(r.contains("in:   fc1"), r);
  }
}
