package dev.topiary.engine.prune.importance;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturePointsTest {

  @Test
  void convBnReluIsCapturedAfterTheActivationNotAfterPooling() {
    GraphBuilder g = Graph.builder("vgg-like");
    g.input("input", 3, 8, 8);
    g.add("conv1", Conv.of(4, 3, 1, 1), "input");
    g.add("bn1", BatchNormalization.standard(), "conv1");
    g.add("relu1", new Relu(), "bn1");
    g.add("pool1", MaxPool.of(2, 2), "relu1");
    g.add("conv2", Conv.of(4, 3, 1, 1), "pool1");
    g.add("drop", new Dropout(0.5), "conv2");
    g.add("relu2", new Relu(), "drop");
    g.add("head", Conv.of(2, 1, 1, 0), "relu2");
    Graph graph = g.output("head").build();
    assertEquals("relu1", CapturePoints.of(graph, "conv1"));
    assertEquals("relu2", CapturePoints.of(graph, "conv2"));
    assertEquals(Map.of("conv1", "relu1", "conv2", "relu2"), CapturePoints.of(DependencyGraph.of(graph)));
  }

  @Test
  void convFeedingAddIsCapturedItselfAndConvBnFeedingAddAtItsBn() {
    Graph graph = MagnitudeImportanceTest.residual();
    assertEquals("bn", CapturePoints.of(graph, "a"));
    assertEquals("b", CapturePoints.of(graph, "b"));
  }

  @Test
  void chainStopsAtANodeReadTwice() {
    GraphBuilder g = Graph.builder("fork");
    g.input("input", 3, 4, 4);
    g.add("conv", Conv.of(4, 1, 1, 0), "input");
    g.add("bn", BatchNormalization.standard(), "conv");
    g.add("relu", new Relu(), "bn");
    g.add("left", Conv.of(2, 1, 1, 0), "bn");
    g.add("right", Conv.of(2, 1, 1, 0), "relu");
    Graph graph = g.output("left").output("right").build();
    assertEquals("bn", CapturePoints.of(graph, "conv"));
  }

  @Test
  void instanceNormAndHardSigmoidAreFollowedButPadAndResizeStopTheChain() {
    GraphBuilder g = Graph.builder("imported");
    g.input("input", 3, 8, 8);
    g.add("conv1", Conv.of(4, 3, 1, 1), "input");
    g.add("in1", new InstanceNormalization(1e-5), "conv1");
    g.add("hsig", HardSigmoid.torch(), "in1");
    g.add("pad", new Pad(1, 1, 1, 1), "hsig");
    g.add("conv2", Conv.of(4, 3, 1, 0), "pad");
    g.add("up", new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 2, 2), "conv2");
    g.add("head", Conv.of(2, 1, 1, 0), "up");
    Graph graph = g.output("head").build();
    assertEquals("hsig", CapturePoints.of(graph, "conv1"));
    assertEquals("conv2", CapturePoints.of(graph, "conv2"));
  }
}
