package dev.topiary.engine.onnx;

import static dev.topiary.engine.onnx.PlainJavaOps.Dims;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtException;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Div;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.LogSoftmax;
import dev.topiary.engine.graph.Mul;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Sigmoid;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.Softmax;
import dev.topiary.engine.graph.Sub;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A graph for each IR op added for imported models exports at opsets 11, 13 and 17, and ONNX
 * Runtime computes what the op's definition says (plain Java, within 1e-5 of the output's scale).
 * Against DJL once its kernels for these ops exist: until then that comparison is skipped, not
 * disabled, and runs by itself when they land.
 */
class OnnxNewOpsExportTest {
  private static final Dims D = new Dims(ExportChecks.BATCH, 4, 5, 6);
  private static final double DEFINITION_TOLERANCE = 1e-5;

  /** The outputs an op's definition gives for the model's weights and a batch x. */
  @FunctionalInterface
  interface Definition {
    Map<String, float[]> outputs(Model m, float[] x);
  }

  record Case(String name, Graph graph, Definition definition) {
    /** Seeded weights drawn here, not by DJL, which cannot build a block for these ops yet. */
    Model model() {
      Random r = new Random(3);
      Weights w = new Weights();
      graph.paramShapes().forEach((k, shape) -> {
        float[] v = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
          double g = r.nextGaussian();
          v[i] = (float) (k.role() == ParamRole.GAMMA || k.node().startsWith("std") ? 0.5 + Math.abs(g) : g);
        }
        w.put(k, new Tensor(shape, v));
      });
      return new Model(graph, w);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> all = new ArrayList<>();
    all.add(new Case("Mul gate", graph(b -> {
      b.add("pool", new GlobalAveragePool(), "x");
      b.add("gate", new Sigmoid(), "pool");
      b.add("y", new Mul(), "x", "gate");
      b.output("y");
    }), (m, x) -> {
      double[] mean = PlainJavaOps.channelMeans(x, D);
      float[] y = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        y[i] = (float) (x[i] / (1 + Math.exp(-mean[i / (D.h() * D.w())])));
      }
      return Map.of("y", y);
    }));
    all.add(new Case("Constant with Sub, Div, Add, Mul", graph(b -> {
      b.add("mean", new Constant(TensorShape.of(4, 1, 1)));
      b.add("std", new Constant(TensorShape.of(4, 1, 1)));
      b.add("row", new Constant(TensorShape.of(1, 1, 6)));
      b.add("centred", new Sub(), "x", "mean");
      b.add("scaled", new Div(), "centred", "std");
      b.add("y", new Add(), "scaled", "row");
      b.add("z", new Mul(), "row", "y");
      b.output("y").output("z");
    }), (m, x) -> {
      float[] centred = PlainJavaOps.withConstant(x, D, value(m, "mean"), new int[] {4, 1, 1}, (a, v) -> a - v);
      float[] scaled = PlainJavaOps.withConstant(centred, D, value(m, "std"), new int[] {4, 1, 1}, (a, v) -> a / v);
      float[] y = PlainJavaOps.withConstant(scaled, D, value(m, "row"), new int[] {1, 1, 6}, Double::sum);
      return Map.of("y", y, "z", PlainJavaOps.withConstant(y, D, value(m, "row"), new int[] {1, 1, 6}, (a, v) -> v * a));
    }));
    all.add(new Case("HardSigmoid", graph(b -> {
      b.add("onnx", new HardSigmoid(0.2, 0.5), "x");
      b.add("torch", HardSigmoid.torch(), "x");
      b.output("onnx").output("torch");
    }), (m, x) -> Map.of(
        "onnx", PlainJavaOps.map(x, v -> Math.max(0, Math.min(1, 0.2 * v + 0.5))),
        "torch", PlainJavaOps.map(x, v -> Math.max(0, Math.min(1, v / 6 + 0.5))))));
    all.add(new Case("InstanceNormalization", graph(b -> b.output(b.add("norm", new InstanceNormalization(1e-5), "x"))),
        (m, x) -> Map.of("norm", PlainJavaOps.instanceNorm(x, D, param(m, "norm", ParamRole.GAMMA), param(m, "norm", ParamRole.BETA), 1e-5))));
    all.add(new Case("Pad", graph(b -> b.output(b.add("padded", new Pad(1, 2, 0, 3), "x"))),
        (m, x) -> Map.of("padded", PlainJavaOps.pad(x, D, 1, 2, 0, 3))));
    all.add(new Case("Slice", graph(b -> b.output(b.add("part", new Slice(1, 3), "x"))),
        (m, x) -> Map.of("part", PlainJavaOps.channels(x, D, 1, 3))));
    all.add(new Case("Reshape", graph(b -> {
      b.add("rows", new Reshape(TensorShape.of(4, 30)), "x");
      b.add("pool", new GlobalAveragePool(), "x");
      b.add("vector", new Reshape(TensorShape.of(4)), "pool");
      b.output("rows").output("vector");
    }), (m, x) -> Map.of("rows", x.clone(), "vector", toFloats(PlainJavaOps.channelMeans(x, D)))));
    all.add(new Case("Softmax and LogSoftmax", graph(b -> {
      b.add("soft", new Softmax(), "x");
      b.add("logsoft", new LogSoftmax(), "x");
      b.add("pool", new GlobalAveragePool(), "x");
      b.add("flat", new Flatten(), "pool");
      b.add("classes", new Softmax(), "flat");
      b.output("soft").output("logsoft").output("classes");
    }), (m, x) -> Map.of("soft", PlainJavaOps.softmax(x, D, false), "logsoft", PlainJavaOps.softmax(x, D, true),
        "classes", PlainJavaOps.softmax(toFloats(PlainJavaOps.channelMeans(x, D)), new Dims(D.n(), D.c(), 1, 1), false))));
    all.add(resize(new Resize(Resize.NEAREST, Resize.ASYMMETRIC, 2, 1.5)));
    for (String coordinates : List.of(Resize.HALF_PIXEL, Resize.PYTORCH_HALF_PIXEL, Resize.ALIGN_CORNERS)) {
      all.add(resize(new Resize(Resize.LINEAR, coordinates, 2, 1.5)));
      all.add(resize(new Resize(Resize.LINEAR, coordinates, 0.6, 0.5)));
    }
    return all;
  }

  static Stream<Arguments> casesAtOpsets() {
    return cases().stream().flatMap(c -> Stream.of(11, 13, 17).map(opset -> Arguments.of(c, opset)));
  }

  @ParameterizedTest(name = "{0}, opset {1}")
  @MethodSource("casesAtOpsets")
  void ortComputesTheOpsDefinition(Case c, int opset) throws OrtException {
    Model model = c.model();
    float[] x = ModelFixtures.input(model.graph(), D.n(), 17);
    Map<String, OrtSessions.Output> ort =
        ExportChecks.ortOutputs(model.graph(), OnnxExporter.builder().optOpset(opset).build().toBytes(model), x);
    Map<String, float[]> expected = c.definition().outputs(model, x);
    for (String out : model.graph().outputs()) {
      double diff = ModelFixtures.relativeDifference(expected.get(out), ort.get(out).data());
      assertTrue(diff <= DEFINITION_TOLERANCE, c + ", output " + out + ": ORT differs from the definition by " + diff);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ortMatchesDjl(Case c) throws OrtException {
    assumeTrue(kernelsExist(c.graph()), "DJL has no kernel yet for an op of " + c);
    Model model = c.model();
    double diff = ExportChecks.ortVersusDjl(model, OnnxExporter.builder().build().toBytes(model));
    assertTrue(diff <= ExportChecks.TOLERANCE, c + ": ORT differs from DJL by " + diff);
  }

  /** Whether DJL can run every op of the graph (a block refuses an op without a kernel). */
  static boolean kernelsExist(Graph g) {
    try {
      new GraphBlock(g);
      return true;
    } catch (UnsupportedOperatorException e) {
      return false;
    }
  }

  private static Case resize(Resize r) {
    String name = "Resize " + r.mode() + " " + r.coordinates() + " x" + r.scaleH() + " x" + r.scaleW();
    return new Case(name, graph(b -> b.output(b.add("resized", r, "x"))),
        (m, x) -> Map.of("resized", PlainJavaOps.resize(x, D, r)));
  }

  private static Graph graph(Consumer<GraphBuilder> body) {
    GraphBuilder b = Graph.builder("ops");
    b.input("x", D.c(), D.h(), D.w());
    body.accept(b);
    return b.build();
  }

  private static float[] value(Model m, String node) {
    return param(m, node, ParamRole.VALUE);
  }

  private static float[] param(Model m, String node, ParamRole role) {
    return m.weights().get(new ParamKey(node, role)).data();
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
