package dev.topiary.engine.graph;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidModelException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphTest {

  static Graph residual() {
    GraphBuilder b = Graph.builder("tiny-res");
    b.input("input", 3, 8, 8);
    b.add("conv1", Conv.of(4, 3, 1, 1), "input");
    b.add("bn1", BatchNormalization.standard(), "conv1");
    b.add("relu1", new Relu(), "bn1");
    b.add("conv2", Conv.of(4, 3, 1, 1), "relu1");
    b.add("add", new Add(), "conv2", "relu1");
    b.add("down", new ZeroPadShortcut(2, 2, 2), "add");
    b.add("pool", new GlobalAveragePool(), "down");
    b.add("flat", new Flatten(), "pool");
    b.add("fc", new Gemm(10, true), "flat");
    return b.output("fc").build();
  }

  @Test
  void infersShapesAlongTheGraph() {
    Graph g = residual();
    assertEquals(TensorShape.of(4, 8, 8), g.shape("add"));
    assertEquals(TensorShape.of(8, 4, 4), g.shape("down"));
    assertEquals(TensorShape.of(8), g.shape("flat"));
    assertEquals(TensorShape.of(10), g.shape("fc"));
    assertEquals(List.of("conv2", "add"), g.consumers("relu1"));
  }

  @Test
  void countsLearnableParametersAndMacs() {
    Graph g = residual();
    // conv1 4*3*9, bn 4+4 (running stats excluded), conv2 4*4*9, fc 8*10+10
    assertEquals(108 + 8 + 144 + 90, g.parameterCount());
    // conv1 4*64*27, conv2 4*64*36, fc 80
    assertEquals(4 * 64 * 27 + 4 * 64 * 36 + 80, g.macs());
    assertArrayEquals(new int[] {4}, g.paramShapes().get(new ParamKey("bn1", ParamRole.RUNNING_VAR)));
  }

  @Test
  void convOutputSizeFollowsPytorch() {
    GraphBuilder b = Graph.builder("g");
    b.input("x", 3, 32, 32);
    b.add("c", new Conv(8, new Hw(3, 5), new Hw(2, 3), new Hw(1, 2), new Hw(2, 1), 1, false), "x");
    // h: (32 + 2 - 2*2 - 1)/2 + 1 = 15 ; w: (32 + 4 - 4 - 1)/3 + 1 = 11
    assertEquals(TensorShape.of(8, 15, 11), b.shape("c"));
    b.add("p", new MaxPool(Hw.square(3), Hw.square(2), Hw.square(1), true), "c");
    // torch: ceil((15 + 2 - 3)/2) + 1 = 8 ; ceil((11 + 2 - 3)/2)+1 = 6
    assertEquals(TensorShape.of(8, 8, 6), b.shape("p"));
  }

  @Test
  void jsonRoundTripsExactly() {
    Graph g = residual();
    String json = GraphJson.write(g);
    Graph back = GraphJson.read(json, "mem");
    assertEquals(json, GraphJson.write(back));
    assertEquals(g.nodes(), back.nodes());
    assertTrue(json.contains("\"kernel\" : [ 3, 3 ]"), json);
  }

  /** Every op that ONNX import brings, with names as an exporter writes them ('/' included). */
  static Graph imported() {
    GraphBuilder b = Graph.builder("imported/all");
    b.input("input", 3, 8, 8);
    b.add("/mean", new Constant(TensorShape.of(3, 1, 1)));
    b.add("/std", new Constant(TensorShape.of(3, 1, 1)));
    b.add("/Sub", new Sub(), "input", "/mean");
    b.add("/Div", new Div(), "/Sub", "/std");
    b.add("/Pad", new Pad(0, 1, 2, 3), "/Div");
    b.add("/conv/Conv", Conv.of(4, 3, 1, 0), "/Pad");
    b.add("/in/InstanceNormalization", new InstanceNormalization(1e-5), "/conv/Conv");
    b.add("/gap", new GlobalAveragePool(), "/in/InstanceNormalization");
    b.add("/flat", new Flatten(), "/gap");
    b.add("/fc/Gemm", new Gemm(4, true), "/flat");
    b.add("/Reshape", new Reshape(TensorShape.of(4, 1, 1)), "/fc/Gemm");
    b.add("/HardSigmoid", new HardSigmoid(0.2, 0.5), "/Reshape");
    b.add("/Mul", new Mul(), "/in/InstanceNormalization", "/HardSigmoid");
    b.add("/one", new Constant(TensorShape.of(1, 1, 1)));
    b.add("/Add", new Add(), "/Mul", "/Mul", "/one");
    b.add("/Resize", new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 2, 2), "/Add");
    b.add("/Resize_1", new Resize(Resize.LINEAR, Resize.HALF_PIXEL, 0.5, 0.5), "/Resize");
    b.add("/Resize_2", new Resize(Resize.LINEAR, Resize.PYTORCH_HALF_PIXEL, 1.5, 1.5), "/Resize_1");
    b.add("/Resize_3", new Resize(Resize.LINEAR, Resize.ALIGN_CORNERS, 2, 3), "/Resize_2");
    b.add("/Slice", new Slice(1, 3), "/Resize_3");
    b.add("/Softmax", new Softmax(), "/Slice");
    b.add("/LogSoftmax", new LogSoftmax(), "/Softmax");
    return b.output("/LogSoftmax").build();
  }

  @Test
  void jsonRoundTripsEveryImportedOp() {
    Graph g = imported();
    String json = GraphJson.write(g);
    Graph back = GraphJson.read(json, "mem");
    assertEquals(g.nodes(), back.nodes());
    assertEquals(g.inputs(), back.inputs());
    assertEquals(g.outputs(), back.outputs());
    assertEquals(json, GraphJson.write(back));
    assertTrue(json.contains("\"shape\" : [ 3, 1, 1 ]"), json);
    assertTrue(json.contains("\"coordinates\" : \"pytorch_half_pixel\""), json);
    // 3x10x12 padded, 4x8x10 convolved, 16x20, 8x10, 12x15, 24x45 resized
    assertEquals(TensorShape.of(2, 24, 45), back.shape("/Slice"));
  }

  @Test
  void keepsGivenOrderAndSortsOutOfOrderNodes() {
    Node a = new Node("a", new Relu(), List.of("b"));
    Node b = new Node("b", new Relu(), List.of("x"));
    Graph g = Graph.of("g", List.of(new GraphInput("x", TensorShape.of(2))), List.of(a, b), List.of("a"));
    assertEquals(List.of("b", "a"), g.nodes().stream().map(Node::name).toList());
  }

  @Test
  void rejectsCycleNamingItsNodes() {
    List<Node> nodes = List.of(
        new Node("a", new Add(), List.of("x", "c")),
        new Node("b", new Relu(), List.of("a")),
        new Node("c", new Relu(), List.of("b")));
    var e = assertThrows(InvalidModelException.class,
        () -> Graph.of("g", List.of(new GraphInput("x", TensorShape.of(2))), nodes, List.of("c")));
    assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    assertTrue(e.getMessage().contains("a -> b -> c -> a"), e.getMessage());
  }

  @Test
  void rejectsDanglingInputNamingNode() {
    var e = assertThrows(InvalidModelException.class, () -> {
      GraphBuilder b = Graph.builder("g");
      b.input("x", 3, 4, 4);
      b.add("r", new Relu(), "nope");
    });
    assertEquals("node r (Relu): input 'nope' is not defined (dangling input)", e.getMessage());
  }

  @Test
  void rejectsShapeMismatchNamingNode() {
    var e = assertThrows(InvalidModelException.class, () -> {
      GraphBuilder b = Graph.builder("g");
      b.input("x", 3, 4, 4);
      b.add("c", Conv.of(5, 1, 1, 0), "x");
      b.add("sum", new Add(), "c", "x");
    });
    assertTrue(e.getMessage().startsWith("node sum (Add): shape mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("[3, 4, 4]"), e.getMessage());
  }

  @Test
  void rejectsGroupsThatDoNotDivideChannels() {
    var e = assertThrows(InvalidModelException.class, () -> {
      GraphBuilder b = Graph.builder("g");
      b.input("x", 6, 4, 4);
      b.add("dw", Conv.of(6, 3, 1, 1).withGroups(4), "x");
    });
    assertTrue(e.getMessage().contains("node dw (Conv)"), e.getMessage());
    assertTrue(e.getMessage().contains("groups 4 do not divide the 6 input channels"), e.getMessage());
  }

  @Test
  void rejectsGemmOnFeatureMap() {
    var e = assertThrows(InvalidModelException.class, () -> {
      GraphBuilder b = Graph.builder("g");
      b.input("x", 6, 4, 4);
      b.add("fc", new Gemm(3, true), "x");
    });
    assertTrue(e.getMessage().contains("add a Flatten"), e.getMessage());
  }

  @Test
  void rejectsDuplicateNamesAndBadArity() {
    GraphBuilder b = Graph.builder("g");
    b.input("x", 2);
    b.add("r", new Relu(), "x");
    assertThrows(InvalidModelException.class, () -> b.add("r", new Relu(), "x"));
    var e = assertThrows(InvalidModelException.class, () -> b.add("s", new Add(), "x"));
    assertTrue(e.getMessage().contains("two or more inputs"));
  }

  @Test
  void rejectsUnknownOpInJson() {
    String json = GraphJson.write(residual()).replace("\"op\" : \"Relu\"", "\"op\" : \"Swizzle\"");
    var e = assertThrows(InvalidModelException.class, () -> GraphJson.read(json, "graph.json"));
    assertEquals("graph.json: node 'relu1': unknown op 'Swizzle'", e.getMessage());
  }

  @Test
  void rejectsCycleInJson() {
    String json = GraphJson.write(residual()).replace("\"inputs\" : [ \"bn1\" ]", "\"inputs\" : [ \"add\" ]");
    var e = assertThrows(InvalidModelException.class, () -> GraphJson.read(json, "graph.json"));
    assertTrue(e.getMessage().startsWith("graph.json: the graph has a cycle"), e.getMessage());
  }

  @Test
  void rejectsShapeMismatchInJson() {
    // conv2 with 5 channels makes the Add inputs disagree
    String edited = GraphJson.write(residual());
    int at = edited.indexOf("\"name\" : \"conv2\"");
    int oc = edited.indexOf("\"outChannels\" : 4", at);
    edited = edited.substring(0, oc) + "\"outChannels\" : 5" + edited.substring(oc + 17);
    String bad = edited;
    var e = assertThrows(InvalidModelException.class, () -> GraphJson.read(bad, "graph.json"));
    assertTrue(e.getMessage().contains("node add (Add): shape mismatch"), e.getMessage());
  }

  @Test
  void rejectsUnknownAndMissingAttributes() {
    String base = GraphJson.write(residual());
    String extra = base.replace("\"groups\" : 1,", "\"groups\" : 1, \"wobble\" : 3,");
    var e1 = assertThrows(InvalidModelException.class, () -> GraphJson.read(extra, "g.json"));
    assertTrue(e1.getMessage().contains("node 'conv1' (Conv): bad attributes"), e1.getMessage());
    assertTrue(e1.getMessage().contains("wobble"), e1.getMessage());
    String missing = base.replaceFirst("\"groups\" : 1,", "");
    var e2 = assertThrows(InvalidModelException.class, () -> GraphJson.read(missing, "g.json"));
    assertTrue(e2.getMessage().contains("groups"), e2.getMessage());
    String negative = base.replaceFirst("\"outChannels\" : 4", "\"outChannels\" : -4");
    var e3 = assertThrows(InvalidModelException.class, () -> GraphJson.read(negative, "g.json"));
    assertTrue(e3.getMessage().contains("outChannels must be positive, got -4"), e3.getMessage());
  }

  @Test
  void rejectsNewerVersionAndGarbage() {
    String newer = GraphJson.write(residual()).replace("\"version\" : 1", "\"version\" : 7");
    var e = assertThrows(InvalidModelException.class, () -> GraphJson.read(newer, "g.json"));
    assertTrue(e.getMessage().contains("version 7 is not supported"), e.getMessage());
    var e2 = assertThrows(InvalidModelException.class, () -> GraphJson.read("{\"format\": ", "g.json"));
    assertTrue(e2.getMessage().startsWith("g.json: not valid JSON"), e2.getMessage());
    var e3 = assertThrows(InvalidModelException.class, () -> GraphJson.read("[1,2]", "g.json"));
    assertTrue(e3.getMessage().contains("must be a JSON object"), e3.getMessage());
  }
}
