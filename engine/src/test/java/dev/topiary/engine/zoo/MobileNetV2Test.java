package dev.topiary.engine.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.TensorShape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MobileNetV2 widths and counts. Expected widths are worked out by hand from torchvision's
 * {@code _make_divisible(v, 8)} = max(8, int(v + 4) // 8 * 8), plus 8 if that is below 0.9 v:
 *
 * <pre>
 * width 0.5: stem 32*0.5=16 -> 16; stages 8->8, 12->16, 16->16, 32->32, 48->48, 80->80, 160->160;
 *            last conv max(1.0, 0.5)*1280 -> 1280
 * width 1.4: stem 44.8 -> int(48.8)//8*8 = 48; stages 22.4->24, 33.6->32 (>= 30.24), 44.8->48,
 *            89.6->88 (>= 80.64), 134.4->136, 224->224, 448->448; last conv 1792 -> 1792
 * </pre>
 *
 * The counts are then computed by {@link #expected}, a closed form over torchvision's layer list
 * (independent of the zoo's builder), which the width 1.0 case checks against torchvision's
 * published 3,504,872 parameters.
 */
class MobileNetV2Test {
  private static final int[][] SETTING = {
    {1, 1, 1}, {6, 2, 2}, {6, 3, 2}, {6, 4, 2}, {6, 3, 1}, {6, 3, 2}, {6, 1, 1}, // t, n, s
  };

  /** {params, MACs} for a 224x224, 1000-class model with these widths. */
  private static long[] expected(int stem, int[] stages, int last) {
    long params = 27L * stem + 2L * stem;
    int size = 112;
    long macs = 27L * stem * size * size;
    int in = stem;
    for (int s = 0; s < stages.length; s++) {
      for (int i = 0; i < SETTING[s][1]; i++) {
        int t = SETTING[s][0];
        int stride = i == 0 ? SETTING[s][2] : 1;
        int hidden = in * t;
        int outSize = size / stride;
        if (t != 1) {
          params += (long) in * hidden + 2L * hidden;
          macs += (long) in * hidden * size * size;
        }
        params += 9L * hidden + 2L * hidden + (long) hidden * stages[s] + 2L * stages[s];
        macs += 9L * hidden * outSize * outSize + (long) hidden * stages[s] * outSize * outSize;
        in = stages[s];
        size = outSize;
      }
    }
    params += (long) in * last + 2L * last + 1000L * last + 1000;
    macs += (long) in * last * size * size + 1000L * last;
    return new long[] {params, macs};
  }

  private static Graph build(double width) {
    return Zoo.build(ModelSpec.builder().setArch("mobilenetv2").optWidthMultiplier(width).build());
  }

  private static int out(Graph g, String conv) {
    return ((Conv) g.node(conv).op()).outChannels();
  }

  @Test
  void closedFormReproducesTorchvisionAtWidthOne() {
    long[] e = expected(32, new int[] {16, 24, 32, 64, 96, 160, 320}, 1280);
    assertEquals(3_504_872, e[0]);
    Graph g = build(1.0);
    assertEquals(e[0], g.parameterCount());
    assertEquals(e[1], g.macs());
  }

  @Test
  void widthHalfRoundsChannelsLikeTorchvision() {
    Graph g = build(0.5);
    assertEquals(16, out(g, "features.0.0"));
    // last block of each stage: project conv (t=1 block has it at conv.1)
    assertEquals(List.of(8, 16, 16, 32, 48, 80, 160), List.of(out(g, "features.1.conv.1"),
        out(g, "features.3.conv.2"), out(g, "features.6.conv.2"), out(g, "features.10.conv.2"),
        out(g, "features.13.conv.2"), out(g, "features.16.conv.2"), out(g, "features.17.conv.2")));
    assertEquals(1280, out(g, "features.18.0"));
    long[] e = expected(16, new int[] {8, 16, 16, 32, 48, 80, 160}, 1280);
    assertEquals(e[0], g.parameterCount());
    assertEquals(e[1], g.macs());
    assertEquals(1_968_680, g.parameterCount());
    assertEquals(97_131_840, g.macs());
  }

  @Test
  void width1point4RoundsChannelsLikeTorchvision() {
    Graph g = build(1.4);
    assertEquals(48, out(g, "features.0.0"));
    assertEquals(List.of(24, 32, 48, 88, 136, 224, 448), List.of(out(g, "features.1.conv.1"),
        out(g, "features.3.conv.2"), out(g, "features.6.conv.2"), out(g, "features.10.conv.2"),
        out(g, "features.13.conv.2"), out(g, "features.16.conv.2"), out(g, "features.17.conv.2")));
    assertEquals(1792, out(g, "features.18.0"));
    long[] e = expected(48, new int[] {24, 32, 48, 88, 136, 224, 448}, 1792);
    assertEquals(e[0], g.parameterCount());
    assertEquals(e[1], g.macs());
    assertEquals(6_108_776, g.parameterCount());
    assertEquals(582_195_824, g.macs());
  }

  @Test
  void makeDivisibleFollowsTorchvisionIncludingTheTenPercentRule() {
    assertEquals(8, MobileNetV2.makeDivisible(3, 8)); // never below the divisor
    assertEquals(16, MobileNetV2.makeDivisible(12, 8)); // halves round up
    assertEquals(32, MobileNetV2.makeDivisible(33.6, 8));
    assertEquals(88, MobileNetV2.makeDivisible(89.6, 8));
    assertEquals(24, MobileNetV2.makeDivisible(19, 8)); // int(23)//8*8 = 16 < 17.1, so 16 + 8
  }

  @Test
  void addsResidualOnlyWhereStrideIsOneAndWidthUnchanged() {
    Graph g = build(1.0);
    List<String> adds = g.nodes().stream().filter(n -> n.type() == OpType.ADD).map(Node::name).toList();
    // stages repeat 1,2,3,4,3,3,1: the first block of each never adds; 0+1+2+3+2+2+0 = 10
    assertEquals(10, adds.size());
    assertTrue(adds.contains("features.3.add"));
    assertFalse(adds.contains("features.4.add"));
    assertEquals(List.of("features.2.conv.3", "features.3.conv.3"), g.node("features.3.add").inputs());
    assertEquals(new Clip(0, 6), g.node("features.3.conv.1.2").op());
    assertEquals(144, ((Conv) g.node("features.3.conv.1.0").op()).groups());
  }

  @Test
  void cifarVariantKeepsResolutionInStemAndSecondStage() {
    Graph g = Zoo.build(ModelSpec.builder().setArch("mobilenetv2").optCifar(true).build());
    assertEquals(TensorShape.of(3, 32, 32), g.inputs().get(0).shape());
    assertEquals(TensorShape.of(32, 32, 32), g.shape("features.0.2"));
    assertEquals(TensorShape.of(24, 32, 32), g.shape("features.3.conv.3"));
    assertEquals(TensorShape.of(32, 16, 16), g.shape("features.4.conv.3"));
    assertEquals(TensorShape.of(1280, 4, 4), g.shape("features.18.2"));
    assertEquals(TensorShape.of(10), g.shape("classifier.1"));
    assertEquals(2_236_682, g.parameterCount());
    assertEquals(87_976_448, g.macs());
  }
}
