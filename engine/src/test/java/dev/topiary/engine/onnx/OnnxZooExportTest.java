package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OrtException;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.ModelFixtures;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import dev.topiary.engine.prune.Surgery;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Shortcut;
import dev.topiary.engine.zoo.Zoo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo architecture, exported at opsets 17 and 11 with and without BN folding, runs in ONNX
 * Runtime with the outputs DJL computes for the unexported, unfolded model: max |ORT - DJL| /
 * max(1, max |DJL|) at most {@link ExportChecks#TOLERANCE} per output; so do pruned models.
 */
class OnnxZooExportTest {
  private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();

  /** label, spec, and how many BNs a fold leaves (-1: all of them). */
  static List<Arguments> architectures() {
    return List.of(
        Arguments.of("lenet5", spec("lenet5").optNumClasses(5).build(), 0),
        Arguments.of("vgg16-bn", spec("vgg16-bn").optNumClasses(5).build(), 1), // BatchNorm1d after a Gemm
        Arguments.of("resnet20-A", spec("resnet20").optShortcut(Shortcut.A).optInputShape(3, 16, 16).build(), 0),
        Arguments.of("resnet56-B", spec("resnet56").optShortcut(Shortcut.B).optInputShape(3, 16, 16).build(), 0),
        Arguments.of("resnet110-A", spec("resnet110").optInputShape(3, 8, 8).optNumClasses(3).build(), 0),
        Arguments.of("mobilenetv2", spec("mobilenetv2").optInputShape(3, 32, 32).optNumClasses(7).build(), 0),
        Arguments.of("mobilenetv2-cifar", spec("mobilenetv2").optCifar(true).optInputShape(3, 16, 16).build(), 0),
        Arguments.of("densenet40", spec("densenet40").optNumClasses(5).build(), -1), // pre-activation
        Arguments.of("googlenet", spec("googlenet").optNumClasses(5).build(), 0),
        Arguments.of("yolov5s-backbone", spec("yolov5s-backbone").optInputShape(3, 64, 64).build(), 0),
        Arguments.of("yolov5n", spec("yolov5n").optInputShape(3, 64, 64).optNumClasses(2).build(), 0),
        Arguments.of("yolov5s", spec("yolov5s").optInputShape(3, 64, 64).optNumClasses(2).build(), 0));
  }

  /**
   * yolov5m, l and x are the builder of n and s with other depth and width multiples: the same
   * nodes and ops, only more repeats and channels, at 21M to 87M parameters each export.
   */
  private static final Set<String> SAME_BUILDER_AS_COVERED = Set.of("yolov5m", "yolov5l", "yolov5x");

  static Stream<Arguments> exports() {
    List<Arguments> all = new ArrayList<>();
    for (Arguments a : architectures()) {
      for (int opset : new int[] {17, 11}) {
        for (boolean fold : new boolean[] {false, true}) {
          Object[] v = a.get();
          all.add(Arguments.of(v[0], v[1], v[2], opset, fold));
        }
      }
    }
    return all.stream();
  }

  @Test
  void listsEveryZooArchitecture() {
    Set<String> covered = new HashSet<>();
    architectures().forEach(a -> covered.add(((ModelSpec) a.get()[1]).arch()));
    covered.addAll(SAME_BUILDER_AS_COVERED);
    assertEquals(new HashSet<>(Zoo.names()), covered);
  }

  @ParameterizedTest(name = "{0} opset {3} fold {4}")
  @MethodSource("exports")
  void ortOutputsEqualDjlOutputs(String label, ModelSpec spec, int bnLeft, int opset, boolean fold) throws OrtException {
    Model model = MODELS.computeIfAbsent(label, k -> ModelFixtures.randomised(Zoo.build(spec), 13));
    ModelProto proto = OnnxExporter.builder().optOpset(opset).optFoldBn(fold).build().toProto(model);
    long bns = ModelFixtures.count(model.graph(), OpType.BATCH_NORMALIZATION);
    long expectedBns = !fold || bnLeft < 0 ? bns : bnLeft;
    assertEquals(expectedBns, proto.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("BatchNormalization")).count(),
        label + ": BatchNormalization nodes in the file");
    double diff = ExportChecks.ortVersusDjl(model, proto.toByteArray());
    assertTrue(diff <= ExportChecks.TOLERANCE, label + " opset " + opset + (fold ? " folded" : "") + ": ORT differs from DJL by " + diff);
  }

  /** import(export(m)) gives back every zoo model: the same graph (nodes, ops, names) and the same weights. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("architectures")
  void exportThenImportGivesTheSameZooModel(String label, ModelSpec spec, int bnLeft, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    Model model = MODELS.computeIfAbsent(label, k -> ModelFixtures.randomised(Zoo.build(spec), 13));
    java.nio.file.Path file = dir.resolve(model.graph().name() + ".onnx"); // the importer names the graph after its file
    OnnxExporter.builder().build().write(model, file);
    Model back = OnnxImporter.builder().build().importFile(file);
    assertEquals(dev.topiary.engine.graph.GraphJson.write(model.graph()), dev.topiary.engine.graph.GraphJson.write(back.graph()), label);
    assertEquals(model.weights().keys(), back.weights().keys(), label);
    for (var k : model.weights().keys()) {
      assertEquals(model.weights().get(k), back.weights().get(k), label + " " + k);
    }
  }

  @Test
  void prunedModelsExportAndMatchDjl() throws OrtException {
    for (String arch : List.of("resnet20", "mobilenetv2")) {
      ModelSpec spec = spec(arch).optInputShape(3, 16, 16).build();
      Model model = ModelFixtures.randomised(Zoo.build(spec), 5);
      for (int step = 0; step < 3; step++) {
        DependencyGraph deps = DependencyGraph.of(model.graph());
        List<ChannelGroup> groups = deps.prunableGroups();
        ChannelGroup g = groups.get(step * groups.size() / 3);
        int[] units = IntStream.range(0, g.units()).filter(u -> u % 3 == 1).toArray(); // a third, spread out
        model = Surgery.prune(model, deps, g, units, "export test");
      }
      assertEquals(3, model.history().size());
      for (boolean fold : new boolean[] {false, true}) {
        byte[] onnx = OnnxExporter.builder().optFoldBn(fold).build().toBytes(model);
        double diff = ExportChecks.ortVersusDjl(model, onnx);
        assertTrue(diff <= ExportChecks.TOLERANCE, "pruned " + arch + (fold ? " folded" : "") + ": ORT differs from DJL by " + diff);
      }
    }
  }

  private static ModelSpec.Builder spec(String arch) {
    return ModelSpec.builder().setArch(arch);
  }
}
