package dev.topiary.engine.prune;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.model.BnFolding;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.engine.onnx.OnnxImporter;


import dev.topiary.engine.graph.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graph metadata (a Detect head's anchors, for one) travels with the model through every form. */
class GraphMetadataTest {
  private static final Map<String, String> META = Map.of("detect.anchors", "10,13,16,30;30,61,62,45", "detect.strides", "8,16");

  private static Graph graph() {
    GraphBuilder b = Graph.builder("meta");
    String x = b.input("input", 3, 8, 8);
    x = b.add("conv1", Conv.of(4, 3, 1, 1), x);
    x = b.add("bn1", new BatchNormalization(1e-5, 0.1), x);
    x = b.add("relu1", new Relu(), x);
    x = b.add("conv2", Conv.of(6, 3, 1, 1), x);
    b.output(x);
    META.forEach(b::metadata);
    return b.build();
  }

  @Test
  void keepsMetadataThroughJsonSurgeryFoldingAndOnnx(@TempDir Path dir) throws Exception {
    Model m = SurgeryTest.randomModel(graph(), 3);
    assertEquals(META, m.graph().metadata());
    assertEquals(META, GraphJson.read(GraphJson.write(m.graph()), "test").metadata());
    DependencyGraph d = DependencyGraph.of(m.graph());
    Model pruned = Surgery.prune(m, d, d.groupOf("conv1"), new int[] {1, 2}, "test");
    assertEquals(2, ((Conv) pruned.graph().node("conv1").op()).outChannels());
    assertEquals(META, pruned.graph().metadata());
    assertEquals(META, BnFolding.fold(m).graph().metadata());
    Path onnx = dir.resolve("m.onnx");
    OnnxExporter.builder().build().write(m, onnx);
    assertEquals(META, OnnxImporter.builder().build().importFile(onnx).graph().metadata());
    assertEquals(META, m.graph().toBuilder().build().metadata());
  }

  @Test
  void graphsWithoutMetadataWriteNoMetadataField() {
    Graph g = graph().withMetadata(Map.of());
    assertFalse(GraphJson.write(g).contains("metadata"));
  }

  @Test
  void rejectsMetadataThatIsNotStrings() {
    String json = GraphJson.write(graph()).replace("\"detect.strides\" : \"8,16\"", "\"detect.strides\" : [8, 16]");
    InvalidModelException e = assertThrows(InvalidModelException.class, () -> GraphJson.read(json, "g.json"));
    assertTrue(e.getMessage().contains("g.json") && e.getMessage().contains("detect.strides") && e.getMessage().contains("must be a string"), e.getMessage());
  }
}
