package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loss on all-zero head maps of yolov5n at 64 px with 2 classes, batch 1, and one target:
 * class 1, a 10 x 13 px box centred on level-0 cell (x 2, y 3), i.e. anchor 0's own size.
 *
 * <p>With zero logits every sigmoid is 0.5, so each prediction is its anchor's box centred in the
 * cell: xy = 2 * 0.5 - 0.5 = 0.5, wh = (2 * 0.5)^2 * anchor. The target is (0.5, 0.5, 1.25,
 * 1.625) in cells; anchors 0, 1, 2 of level 0 take it (ratios 1, 2.31, 3.3), levels 1 and 2 none.
 * Gains at 64 px, 2 classes: box 0.05, obj 1.0 * (64/640)^2 = 0.01, cls 0.5 * 2/80 = 0.0125.
 */
class YoloLossTest {
  private static final double AREA_T = 1.25 * 1.625; // 2.03125 cells
  private NDManager manager;
  private DetectHead head;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    head = DetectHead.of(Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(2).optInputShape(3, 64, 64).build()));
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** CIoU of a centred anchor box that holds the target: IoU = target area / anchor area, no distance. */
  private static double ciouOfCentredAnchor(double w, double h) {
    double iou = AREA_T / (w * h);
    double v = 4 / (Math.PI * Math.PI) * Math.pow(Math.atan(1.25 / 1.625) - Math.atan(w / h), 2);
    return iou - v * v / (v - iou + 1);
  }

  private NDList zeroMaps() {
    NDList maps = new NDList();
    for (int g : new int[] {8, 4, 2}) {
      NDArray m = manager.zeros(new Shape(1, 21, g, g));
      m.setRequiresGradient(true);
      maps.add(m);
    }
    return maps;
  }

  @Test
  void oneTargetOnZeroMapsGivesTheHandComputedPartsAndGradients() {
    YoloLoss loss = YoloLoss.builder().setHead(head).setAnchors(Anchors.yolov5Default()).build();
    assertArrayEquals(new float[] {0.05f, 0.01f, 0.0125f}, loss.gains(), 1e-9f);
    NDList maps = zeroMaps();
    YoloLoss.Parts parts;
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      parts = loss.compute(manager, maps, new float[] {0, 1, 20 / 64f, 28 / 64f, 10 / 64f, 13 / 64f});
      c.backward(parts.total());
    }
    // anchor 0 is the target (CIoU 1); anchor 1 (2 x 3.75): IoU 2.03125 / 7.5 = 0.270833,
    // v = 0.0111329, CIoU 0.270666; anchor 2 (4.125 x 2.875): IoU 0.171278, v = 0.0380578,
    // CIoU 0.169607; box = 0.05 * mean(0, 0.729334, 0.830393) = 0.0259955
    double c1 = ciouOfCentredAnchor(2, 3.75);
    double c2 = ciouOfCentredAnchor(4.125, 2.875);
    assertEquals(0.270666, c1, 1e-6);
    assertEquals(0.169607, c2, 1e-6);
    double box = 0.05 * ((1 - c1) + (1 - c2)) / 3;
    // a zero logit costs log 2 whatever its target: obj = 0.01 * (4 + 1 + 0.4) * log 2 = 0.0374299,
    // cls = 0.0125 * log 2 = 0.0086643
    double obj = 0.01 * 5.4 * Math.log(2);
    double cls = 0.0125 * Math.log(2);
    float[] v = parts.values();
    assertEquals(0.0259955, box, 1e-7);
    assertEquals(box, v[0], 1e-7);
    assertEquals(obj, v[1], 1e-7);
    assertEquals(cls, v[2], 1e-7);
    assertEquals(box + obj + cls, parts.total().getFloat(), 1e-7); // batch 1: 0.0720897

    // objectness: d/dx = gain * balance * (sigmoid(0) - target) / cells; level 0 has 3 x 8 x 8 = 192
    float[] g0 = maps.get(0).getGradient().toFloatArray();
    assertEquals(0.01 * 4 * (0.5 - 1) / 192, g0[at(0, 4, 3, 2)], 1e-9);
    assertEquals(0.01 * 4 * (0.5 - c1) / 192, g0[at(1, 4, 3, 2)], 1e-9);
    assertEquals(0.01 * 4 * (0.5 - c2) / 192, g0[at(2, 4, 3, 2)], 1e-9);
    assertEquals(0.01 * 4 * 0.5 / 192, g0[at(0, 4, 0, 0)], 1e-9);
    assertEquals(0.01 * 0.4 * 0.5 / 12, maps.get(2).getGradient().toFloatArray()[4 * 4], 1e-9); // channel 4 of [1, 21, 2, 2]
    // class: 0.0125 * (sigmoid(0) - onehot) / (3 rows x 2 classes)
    assertEquals(0.0125 * 0.5 / 6, g0[at(0, 5, 3, 2)], 1e-9);
    assertEquals(0.0125 * -0.5 / 6, g0[at(0, 6, 3, 2)], 1e-9);
    // box: anchor 0 already is the target; the larger anchors 1 and 2 are pushed to shrink
    // (a positive gradient on their w and h logits), their centres already match
    for (int k = 0; k < 4; k++) {
      assertEquals(0, g0[at(0, k, 3, 2)], 1e-9, "anchor 0 box value " + k);
    }
    for (int a = 1; a < 3; a++) {
      assertEquals(0, g0[at(a, 0, 3, 2)], 1e-9);
      assertTrue(g0[at(a, 2, 3, 2)] > 1e-4 && g0[at(a, 3, 3, 2)] > 1e-4, "anchor " + a + " shrinks");
    }
    // nothing but objectness elsewhere
    for (int i = 0; i < g0.length; i++) {
      int cell = i % 64;
      int k = (i / 64) % 7;
      if (cell != 3 * 8 + 2 && k != 4) {
        assertEquals(0, g0[i], 0, "index " + i);
      }
    }
  }

  /** Flat index in a level-0 map [1, 3 * 7, 8, 8]. */
  private static int at(int anchor, int k, int y, int x) {
    return ((anchor * 7 + k) * 8 + y) * 8 + x;
  }

  @Test
  void gradientReachesTheHeadConvsThroughATrainingForward() {
    GraphBlock block = new GraphBlock(Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(2)
        .optInputShape(3, 64, 64).build()), 1);
    block.initialize(manager);
    YoloLoss loss = YoloLoss.builder().setHead(head).setAnchors(Anchors.yolov5Default()).build();
    NDArray x = manager.randomUniform(0, 1, new Shape(2, 3, 64, 64));
    try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
      NDList maps = block.forward(new ParameterStore(manager, false), new NDList(x), true);
      c.backward(loss.compute(manager, maps, new float[] {1, 0, 0.3f, 0.6f, 0.2f, 0.3f}).total());
    }
    for (int l = 0; l < 3; l++) {
      float[] g = block.parameter(new ParamKey("model.24.m." + l, ParamRole.BIAS)).getArray().getGradient().toFloatArray();
      assertTrue(Math.abs(g[4]) > 0, "objectness bias of level " + l);
    }
    float[] stem = block.parameter(new ParamKey("model.0.conv", ParamRole.WEIGHT)).getArray().getGradient().toFloatArray();
    assertTrue(Math.abs(stem[0]) > 0, "the stem learns from the loss");
  }

  @Test
  void withoutTargetsOnlyObjectnessCounts() {
    YoloLoss loss = YoloLoss.builder().setHead(head).setAnchors(Anchors.yolov5Default()).build();
    float[] v = loss.compute(manager, zeroMaps(), new float[0]).values();
    assertArrayEquals(new float[] {0, (float) (0.01 * 5.4 * Math.log(2)), 0}, v, 1e-7f);
  }

  @Test
  void gainsFollowTrainPyScaling() {
    DetectHead coco = DetectHead.of(Zoo.build("yolov5s"));
    YoloLoss loss = YoloLoss.builder().setHead(coco).setAnchors(Anchors.yolov5Default()).build();
    assertArrayEquals(new float[] {0.05f, 1.0f, 0.5f}, loss.gains(), 1e-7f);
    assertArrayEquals(new float[] {4.0f, 1.0f, 0.4f}, loss.balance());
  }

  @Test
  void rejectsMapsOfAnotherShapeAndAnchorsOfAnotherHead() {
    YoloLoss loss = YoloLoss.builder().setHead(head).setAnchors(Anchors.yolov5Default()).build();
    NDList maps = zeroMaps();
    maps.set(1, manager.zeros(new Shape(1, 21, 8, 8)));
    var e = assertThrows(IllegalArgumentException.class, () -> loss.compute(manager, maps, new float[0]));
    assertEquals("maps: level 1 has shape (1, 21, 8, 8), expected (1, 21, 4, 4)", e.getMessage());
    Anchors two = new Anchors(new int[] {8, 16}, new float[][] {{10, 13}, {30, 61}});
    var a = assertThrows(IllegalArgumentException.class, () -> YoloLoss.builder().setHead(head).setAnchors(two).build());
    assertEquals("anchors: 2 levels of 1 do not fit a head of 3 levels of 3", a.getMessage());
  }
}
