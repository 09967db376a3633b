package dev.topiary.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ZooTest {

  static Stream<ModelSpec> everyArchitectureAndVariant() {
    return Stream.concat(Zoo.names().stream().map(ModelSpec::of), Stream.of(
        ModelSpec.builder().setArch("resnet56").optShortcut(Shortcut.B).build(),
        ModelSpec.builder().setArch("mobilenetv2").optCifar(true).optWidthMultiplier(0.5).build(),
        ModelSpec.builder().setArch("lenet5").optInputShape(3, 32, 32).build()));
  }

  @ParameterizedTest
  @MethodSource("everyArchitectureAndVariant")
  void roundTripsThroughGraphJsonIdentically(ModelSpec spec) {
    Graph g = Zoo.build(spec);
    String json = GraphJson.write(g);
    Graph back = GraphJson.read(json, spec.arch());
    assertEquals(json, GraphJson.write(back));
    assertEquals(g.nodes(), back.nodes());
    assertEquals(g.parameterCount(), back.parameterCount());
  }

  @Test
  void listsEveryArchitecture() {
    assertEquals(List.of("lenet5", "vgg16-bn", "resnet20", "resnet56", "resnet110", "mobilenetv2", "densenet40",
        "googlenet", "yolov5s-backbone", "yolov5n", "yolov5s", "yolov5m", "yolov5l", "yolov5x"), Zoo.names());
    assertTrue(Zoo.describe("resnet56").contains("shortcut A"));
  }

  @Test
  void rejectsUnknownArchListingTheValidNames() {
    var e = assertThrows(IllegalArgumentException.class, () -> Zoo.build("resnet57"));
    assertEquals("arch 'resnet57' is unknown; valid: lenet5, vgg16-bn, resnet20, resnet56, resnet110, "
        + "mobilenetv2, densenet40, googlenet, yolov5s-backbone, yolov5n, yolov5s, yolov5m, yolov5l, yolov5x", e.getMessage());
  }

  @Test
  void rejectsMissingArch() {
    var e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.builder().optNumClasses(10).validate());
    assertTrue(e.getMessage().startsWith("arch is required"), e.getMessage());
  }

  @Test
  void rejectsInvalidOptionsNamingTheField() {
    var classes = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("resnet56").optNumClasses(0).validate());
    assertEquals("numClasses must be at least 1, got 0", classes.getMessage());
    var shape = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("resnet56").optInputShape(3, 32).validate());
    assertTrue(shape.getMessage().startsWith("inputShape must be [C, H, W]"), shape.getMessage());
    var negative = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("resnet56").optInputShape(3, -32, 32));
    assertTrue(negative.getMessage().startsWith("inputShape: "), negative.getMessage());
    var width = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("mobilenetv2").optWidthMultiplier(-1).validate());
    assertEquals("widthMultiplier must be in (0, 16], got -1.0", width.getMessage());
    var nan = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("mobilenetv2").optWidthMultiplier(Double.NaN).validate());
    assertTrue(nan.getMessage().startsWith("widthMultiplier"), nan.getMessage());
  }

  @Test
  void rejectsOptionTheArchitectureDoesNotUse() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("vgg16-bn").optShortcut(Shortcut.B).validate());
    assertEquals("shortcut does not apply to arch 'vgg16-bn' (it accepts: numClasses, inputShape)", e.getMessage());
    var cifar = assertThrows(IllegalArgumentException.class,
        () -> ModelSpec.builder().setArch("resnet56").optCifar(true).build());
    assertTrue(cifar.getMessage().startsWith("cifar does not apply"), cifar.getMessage());
  }

  @Test
  void reportsTooSmallInputAtTheNodeWhereTheMapVanishes() {
    var e = assertThrows(InvalidModelException.class,
        () -> Zoo.build(ModelSpec.builder().setArch("vgg16-bn").optInputShape(3, 8, 8).build()));
    assertTrue(e.getMessage().startsWith("node features.pool13 (MaxPool)"), e.getMessage());
  }

  @Test
  void lenet5InfersItsFirstLinearWidthFromTheInput() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("lenet5").optInputShape(3, 32, 32).optNumClasses(7).build());
    assertEquals(TensorShape.of(16 * 6 * 6), g.shape("flatten"));
    assertEquals(TensorShape.of(7), g.shape("fc3"));
    assertEquals(new Gemm(120, true), g.node("fc1").op());
  }

  @Test
  void resnetNamesBlocksLikePytorchAndPadsShortcutAAsHRank() {
    Graph g = Zoo.build("resnet56");
    assertTrue(g.hasNode("layer3.8.conv2"));
    assertEquals(List.of("layer1.8.relu2"), g.node("layer2.0.shortcut").inputs());
    // planes // 4 = 8 zero channels on each side of the 16 input channels
    assertEquals(new ZeroPadShortcut(2, 8, 8), g.node("layer2.0.shortcut").op());
    assertEquals(new ZeroPadShortcut(2, 16, 16), g.node("layer3.0.shortcut").op());
    assertEquals(List.of("layer2.0.bn2", "layer2.0.shortcut"), g.node("layer2.0.add").inputs());
    assertEquals(List.of("layer2.1.bn2", "layer2.0.relu2"), g.node("layer2.1.add").inputs());
    assertEquals(27, g.nodes().stream().filter(n -> n.type() == OpType.ADD).count());
    // HRank's ResNet-110 calls its classifier "linear"
    assertEquals(List.of("linear"), Zoo.build("resnet110").outputs());
  }

  @Test
  void resnetShortcutBProjectsWithStridedOneByOneConvAndBn() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.B).build());
    assertEquals(TensorShape.of(32, 16, 16), g.shape("layer2.0.shortcut.0"));
    assertEquals(OpType.BATCH_NORMALIZATION, g.node("layer2.0.shortcut.1").type());
    assertEquals(List.of("layer2.0.bn2", "layer2.0.shortcut.1"), g.node("layer2.0.add").inputs());
  }

  @Test
  void densenetConcatenatesGrowthRateChannelsPerLayer() {
    Graph g = Zoo.build("densenet40");
    assertEquals(TensorShape.of(24 + 12, 32, 32), g.shape("dense1.0.cat"));
    assertEquals(TensorShape.of(24 + 12 * 12, 16, 16), g.shape("trans1.avgpool"));
    assertEquals(TensorShape.of(456, 8, 8), g.shape("relu"));
    assertEquals(List.of("dense2.11.cat"), g.node("trans2.bn1").inputs());
  }

  @Test
  void googlenetConcatenatesFourBranches() {
    Graph g = Zoo.build("googlenet");
    assertEquals(TensorShape.of(64 + 128 + 32 + 32, 32, 32), g.shape("inception_a3.cat"));
    assertEquals(TensorShape.of(480, 16, 16), g.shape("maxpool1"));
    assertEquals(TensorShape.of(832, 8, 8), g.shape("maxpool2"));
    assertEquals(TensorShape.of(1024, 1, 1), g.shape("avgpool"));
    assertEquals(List.of("inception_a3.branch1x1.2", "inception_a3.branch3x3.5", "inception_a3.branch5x5.8",
        "inception_a3.branch_pool.3"), g.node("inception_a3.cat").inputs());
  }

  @Test
  void vggFollowsHRankNamesAndClassifier() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("vgg16-bn").optNumClasses(100).build());
    assertEquals(TensorShape.of(512, 2, 2), g.shape("features.relu16"));
    assertEquals(TensorShape.of(512), g.shape("flatten"));
    assertEquals(OpType.BATCH_NORMALIZATION, g.node("classifier.norm1").type());
    assertEquals(TensorShape.of(100), g.shape("classifier.linear2"));
    assertEquals(13, g.nodes().stream().filter(n -> n.type() == OpType.CONV).count());
  }
}
