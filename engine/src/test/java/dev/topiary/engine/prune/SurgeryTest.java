package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.graph.*;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SurgeryTest {

  /** Weights whose values encode their own position, so slices are easy to check. */
  static Model randomModel(Graph g, long seed) {
    Random r = new Random(seed);
    Weights w = new Weights();
    for (Map.Entry<ParamKey, int[]> e : g.paramShapes().entrySet()) {
      Tensor t = Tensor.zeros(e.getValue());
      float[] d = t.data();
      for (int i = 0; i < d.length; i++) {
        d[i] = e.getKey().role() == ParamRole.RUNNING_VAR ? 0.5f + r.nextFloat() : r.nextFloat() - 0.5f;
      }
      w.put(e.getKey(), t);
    }
    return new Model(g, w);
  }

  @Test
  void removesFiltersBnChannelsAndConsumerInputsTogether() {
    Model m = randomModel(DependencyGraphTest.chain(), 1);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("conv1"), new int[] {1, 3}, "test");
    assertEquals(2, ((Conv) p.graph().node("conv1").op()).outChannels());
    Tensor w1 = p.weights().get(new ParamKey("conv1", ParamRole.WEIGHT));
    assertArrayEquals(new int[] {2, 3, 3, 3}, w1.shape());
    float[] orig = m.weights().get(new ParamKey("conv1", ParamRole.WEIGHT)).data();
    assertEquals(orig[2 * 27 + 5], w1.data()[27 + 5]); // filter 2 became filter 1
    Tensor w2 = p.weights().get(new ParamKey("conv2", ParamRole.WEIGHT));
    assertArrayEquals(new int[] {6, 2, 3, 3}, w2.shape());
    float[] o2 = m.weights().get(new ParamKey("conv2", ParamRole.WEIGHT)).data();
    assertEquals(o2[4 * 36 + 2 * 9 + 7], w2.data()[4 * 18 + 1 * 9 + 7]); // input channel 2 became 1
    assertArrayEquals(new int[] {2}, p.weights().get(new ParamKey("bn1", ParamRole.RUNNING_MEAN)).shape());
    assertEquals(List.of(new PruningStep("conv1", new int[] {1, 3}, "test")), p.history());
    assertEquals(4, ((Conv) m.graph().node("conv1").op()).outChannels(), "the original is untouched");
  }

  @Test
  void flattenedFeaturesGoInBlocks() {
    Model m = randomModel(DependencyGraphTest.chain(), 2);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("conv2"), new int[] {0}, "");
    assertArrayEquals(new int[] {5, 80}, p.weights().get(new ParamKey("fc1", ParamRole.WEIGHT)).shape());
    float[] o = m.weights().get(new ParamKey("fc1", ParamRole.WEIGHT)).data();
    assertEquals(o[96 + 16], p.weights().get(new ParamKey("fc1", ParamRole.WEIGHT)).data()[80]);
  }

  @Test
  void optionAShortcutKeepsItsPaddingConsistent() {
    Model m = randomModel(DependencyGraphTest.optionA(), 3);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("b2.short", 0), new int[] {0, 3}, "pads");
    assertEquals(new ZeroPadShortcut(2, 1, 1), p.graph().node("b2.short").op());
    assertEquals(TensorShape.of(6, 4, 4), p.graph().shape("b2.add"));
    DependencyGraph d2 = DependencyGraph.of(p.graph());
    Model q = Surgery.prune(p, d2, d2.groupOf("stem"), new int[] {2}, "stage1");
    assertEquals(new ZeroPadShortcut(2, 1, 1), q.graph().node("b2.short").op());
    assertEquals(TensorShape.of(5, 4, 4), q.graph().shape("b2.add"));
    assertEquals(3, ((Conv) q.graph().node("b1.conv2").op()).outChannels());
  }

  @Test
  void replayOfHistoryReproducesThePrunedModelExactly(@TempDir Path dir) throws Exception {
    Model m = randomModel(DependencyGraphTest.optionA(), 4);
    Model p = m;
    for (String node : List.of("b1.conv1", "stem", "b2.conv1")) {
      DependencyGraph d = DependencyGraph.of(p.graph());
      p = Surgery.prune(p, d, d.groupOf(node), new int[] {0, 2}, node);
    }
    p.save(dir);
    Model loaded = Model.load(dir);
    Model replayed = Surgery.replay(m, loaded.history());
    assertEquals(GraphJson.write(p.graph()), GraphJson.write(replayed.graph()));
    for (ParamKey k : p.weights().keys()) {
      assertEquals(p.weights().get(k), replayed.weights().get(k), k.toString());
    }
    assertEquals(p.history(), replayed.history());
  }

  @Test
  void refusesBlockedGroupEmptyingAndBadUnitsLeavingModelUntouched() {
    Model m = randomModel(DependencyGraphTest.chain(), 5);
    String before = GraphJson.write(m.graph());
    DependencyGraph d = DependencyGraph.of(m.graph());
    var e1 = assertThrows(InvalidPruningConfigException.class, () -> Surgery.prune(m, d, d.groupOf("fc2"), new int[] {0}, ""));
    assertTrue(e1.getMessage().contains("feeds graph output 'fc2'"), e1.getMessage());
    var e2 = assertThrows(InvalidPruningConfigException.class, () -> Surgery.prune(m, d, d.groupOf("conv1"), new int[] {0, 1, 2, 3}, ""));
    assertTrue(e2.getMessage().contains("would empty the layer"), e2.getMessage());
    var e3 = assertThrows(InvalidPruningConfigException.class, () -> Surgery.prune(m, d, d.groupOf("conv1"), new int[] {1, 1}, ""));
    assertTrue(e3.getMessage().contains("distinct"), e3.getMessage());
    assertThrows(InvalidPruningConfigException.class, () -> Surgery.prune(m, d, d.groupOf("conv1"), new int[] {4}, ""));
    assertEquals(before, GraphJson.write(m.graph()));
    assertArrayEquals(new int[] {4, 3, 3, 3}, m.weights().get(new ParamKey("conv1", ParamRole.WEIGHT)).shape());
  }

  @Test
  void depthwiseGroupsShrinkWithTheirChannels() {
    GraphBuilder b = Graph.builder("dw");
    b.input("input", 3, 4, 4);
    b.add("expand", Conv.of(6, 1, 1, 0), "input");
    b.add("dw", Conv.of(6, 3, 1, 1).withGroups(6), "expand");
    b.add("bn", BatchNormalization.standard(), "dw");
    b.add("project", Conv.of(4, 1, 1, 0), "bn");
    Model m = randomModel(b.output("project").build(), 6);
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model p = Surgery.prune(m, d, d.groupOf("expand"), new int[] {1, 2, 5}, "");
    Conv dw = (Conv) p.graph().node("dw").op();
    assertEquals(3, dw.outChannels());
    assertEquals(3, dw.groups());
    assertArrayEquals(new int[] {3, 1, 3, 3}, p.weights().get(new ParamKey("dw", ParamRole.WEIGHT)).shape());
    assertArrayEquals(new int[] {4, 3, 1, 1}, p.weights().get(new ParamKey("project", ParamRole.WEIGHT)).shape());
  }

  @Test
  void graphOnlyPruningGivesTheSameGraphAsFullSurgery() {
    Model m = randomModel(DependencyGraphTest.optionA(), 8);
    DependencyGraph d = DependencyGraph.of(m.graph());
    ChannelGroup g = d.groupOf("stem");
    Graph only = Surgery.pruneGraph(m.graph(), g, new int[] {1, 2});
    assertEquals(GraphJson.write(Surgery.prune(m, d, g, new int[] {1, 2}, "").graph()), GraphJson.write(only));
    assertTrue(only.macs() < m.graph().macs());
    assertThrows(InvalidPruningConfigException.class, () -> Surgery.pruneGraph(m.graph(), d.groupOf("fc"), new int[] {0}));
  }
}
