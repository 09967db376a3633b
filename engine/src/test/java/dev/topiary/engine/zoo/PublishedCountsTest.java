package dev.topiary.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.measure.ModelStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Parameter and MAC counts of every zoo architecture against the published figures. Each test
 * asserts the exact integer (so a regression shows) and that it rounds to the paper's figure.
 * "Params" is learnable parameters including BN unless the test says HRank's convention (Conv and
 * Linear only, as HRank's {@code get_flops.py}); MACs exclude biases (see {@link ModelStats}).
 */
class PublishedCountsTest {

  private static String millions(long n) {
    return BigDecimal.valueOf(n).movePointLeft(6).setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  private static ModelStats stats(ModelSpec spec) {
    return ModelStats.of(Zoo.build(spec));
  }

  @Test
  void resnet56WithShortcutAMatchesHRankExactly() {
    Graph g = Zoo.build("resnet56");
    assertEquals(853_018, g.parameterCount());
    assertEquals(125_485_696, g.macs());
    assertEquals("0.85", millions(g.parameterCount()));
    assertEquals("125.49", millions(g.macs()));
  }

  @Test
  void resnet110MatchesPublishedFigures() {
    Graph g = Zoo.build("resnet110");
    assertEquals(1_727_962, g.parameterCount());
    assertEquals(252_887_680, g.macs());
    assertEquals("1.73", millions(g.parameterCount()));
    assertEquals("252.89", millions(g.macs()));
  }

  @Test
  void resnet20MatchesPublishedFiguresWhichUseShortcutB() {
    Graph a = Zoo.build("resnet20");
    assertEquals(269_722, a.parameterCount());
    assertEquals(40_551_040, a.macs());
    // the often quoted 0.27M / 40.81M counts the projection (B) shortcuts
    Graph b = Zoo.build(ModelSpec.builder().setArch("resnet20").optShortcut(Shortcut.B).build());
    assertEquals(272_474, b.parameterCount());
    assertEquals(40_813_184, b.macs());
    assertEquals("0.27", millions(a.parameterCount()));
    assertEquals("0.27", millions(b.parameterCount()));
    assertEquals("40.81", millions(b.macs()));
  }

  @Test
  void resnet56ShortcutsDifferExactlyByTheProjectionConvAndBn() {
    Graph a = Zoo.build("resnet56");
    Graph b = Zoo.build(ModelSpec.builder().setArch("resnet56").optShortcut(Shortcut.B).build());
    // layer2.0: 1x1 conv 16->32 + BN(32); layer3.0: 1x1 conv 32->64 + BN(64)
    long projections = (16 * 32 + 2 * 32) + (32 * 64 + 2 * 64);
    assertEquals(projections, b.parameterCount() - a.parameterCount());
    // the convs run on 16x16 and 8x8 outputs
    assertEquals(32L * 16 * 16 * 16 + 64L * 8 * 8 * 32, b.macs() - a.macs());
  }

  @Test
  void vgg16BnMatchesHRankParamsInItsConvAndLinearConvention() {
    ModelStats s = stats(ModelSpec.of("vgg16-bn"));
    assertEquals(14_982_474, s.convAndLinearParams());
    assertEquals("14.98", millions(s.convAndLinearParams()));
    // with BN's gamma and beta (8,448 in the convs, 1,024 in the classifier)
    assertEquals(14_982_474 + 8_448 + 1_024, s.params());
    // 313.46M; the paper's 313.73M is not reproduced by HRank's own get_flops.py either (313.46M)
    assertEquals(313_463_808, s.macs());
  }

  @Test
  void densenet40MatchesHRankParamsAndFlopsWithinAFewTenthsOfAPercent() {
    ModelStats s = stats(ModelSpec.of("densenet40"));
    assertEquals(1_040_578, s.convAndLinearParams());
    assertEquals("1.04", millions(s.convAndLinearParams()));
    assertEquals(1_059_298, s.params());
    // paper: 282.00M; the same arithmetic as HRank's get_flops.py on densenet_40 gives 282.92M
    assertEquals(282_917_328, s.macs());
    assertEquals(282.00e6, s.macs(), 0.004 * 282.00e6);
  }

  @Test
  void googlenetMatchesHRankParamsAndFlops() {
    ModelStats s = stats(ModelSpec.of("googlenet"));
    assertEquals(6_150_442, s.convAndLinearParams());
    assertEquals("6.15", millions(s.convAndLinearParams()));
    assertEquals(6_166_250, s.params());
    assertEquals(1_521_756_160, s.macs());
    assertEquals("1.52B", ModelStats.human(s.macs()));
  }

  @Test
  void mobilenetV2MatchesTorchvisionExactly() {
    Graph g = Zoo.build("mobilenetv2");
    assertEquals(3_504_872, g.parameterCount());
    assertEquals(300_774_272, g.macs());
    assertEquals("300.77", millions(g.macs()));
  }

  @Test
  void lenet5HasTheClassicParameterCount() {
    Graph g = Zoo.build("lenet5");
    assertEquals(61_706, g.parameterCount());
    assertEquals(117_600 + 240_000 + 48_000 + 10_080 + 840, g.macs());
  }

  @Test
  void yolov5sMatchesUltralyticsBeforeAndAfterFusingBn() {
    ModelStats full = stats(ModelSpec.of("yolov5s"));
    // "7235389 parameters" is printed when the model is built; fusing each BN into its conv
    // replaces gamma and beta (2 per channel) by a bias (1 per channel): "7225885 parameters"
    assertEquals(7_235_389, full.params());
    long bnChannels = full.params(EnumSet.of(OpType.BATCH_NORMALIZATION)) / 2;
    assertEquals(9_504, bnChannels);
    assertEquals(7_225_885, full.params() - bnChannels);
    // Ultralytics prints 16.5 GFLOPs = 2 x MACs at 640 (thop also counts the head's biases)
    assertEquals(8_216_780_800L, full.macs());
    assertEquals(16.5e9, 2.0 * full.macs(), 0.01 * 16.5e9);
  }

  @Test
  void yolov5sBackboneIsTheFullModelWithoutTheDetectConvs() {
    ModelStats full = stats(ModelSpec.of("yolov5s"));
    ModelStats neck = stats(ModelSpec.of("yolov5s-backbone"));
    long head = (128 + 256 + 512) * 255L + 3 * 255L; // three 1x1 convs to 3 * (5 + 80) with bias
    assertEquals(229_245, head);
    assertEquals(7_006_144, neck.params());
    assertEquals(full.params() - head, neck.params());
    assertEquals(6_996_640, neck.params() - 9_504); // fused, as 7,225,885 - 229,245
    assertEquals(7_851_212_800L, neck.macs());
  }

  private static long fused(ModelStats s) {
    return s.params() - s.params(EnumSet.of(OpType.BATCH_NORMALIZATION)) / 2;
  }

  @Test
  void yolov5nMatchesUltralyticsBeforeAndAfterFusingBn() {
    ModelStats full = stats(ModelSpec.of("yolov5n"));
    // "YOLOv5n summary: 214 layers, 1872157 parameters, 1872157 gradients, 4.6 GFLOPs" when
    // built, "213 layers, 1867405 parameters, 0 gradients, 4.5 GFLOPs" after fusing
    assertEquals(1_872_157, full.params());
    assertEquals(1_867_405, fused(full));
    assertEquals(4.5e9, 2.0 * full.macs(), 0.02 * 4.5e9);
  }

  @Test
  void yolov5mLAndXMatchUltralyticsFusedCounts() {
    // the "Fusing layers..." summaries of yolov5m/l/x.pt (v6.x releases)
    assertEquals(21_172_173, fused(stats(ModelSpec.of("yolov5m"))));
    assertEquals(46_533_693, fused(stats(ModelSpec.of("yolov5l"))));
    assertEquals(86_705_005, fused(stats(ModelSpec.of("yolov5x"))));
  }
}
