package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.weights.Npy;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.zoo.ModelSpec;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link YoloLoss} against YOLOv5 v7.0's own {@code ComputeLoss} on the same random head maps
 * and targets: {@code bench/detect/check_loss.py} wrote the fixture under {@code
 * detect/yolov5-loss/<case>} (maps, targets, YOLOv5's loss parts and the gradient of its total
 * with respect to every map value). Cases: three classes at 64 px, batch 2, 16 targets (random
 * ones plus one near a cell corner, one sharing its cells, one on the border, one the size of
 * the image); one class (no class loss) at 96 px, batch 1, 10 targets.
 */
class YoloLossReferenceTest {
  private static final double PART_TOLERANCE = 1e-4; // relative
  private static final double GRAD_TOLERANCE = 1e-4; // of the largest gradient magnitude

  @ParameterizedTest
  @ValueSource(strings = {"three-classes", "one-class"})
  void partsAndGradientsMatchYolov5ComputeLoss(String name) throws Exception {
    Path dir = Path.of(getClass().getResource("/detect/yolov5-loss/" + name + "/expected.json").toURI()).getParent();
    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    int nc = expected.get("numClasses").asInt();
    int size = expected.get("imageSize").asInt();
    DetectHead head = DetectHead.of(Zoo.build(ModelSpec.builder().setArch("yolov5n").optNumClasses(nc)
        .optInputShape(3, size, size).build()));
    YoloLoss loss = YoloLoss.builder().setHead(head).setAnchors(Anchors.yolov5Default()).build();
    float[] targets = Npy.read(dir.resolve("targets.npy")).data();
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList maps = new NDList();
      for (int l = 0; l < 3; l++) {
        Tensor t = Npy.read(dir.resolve("map" + l + ".npy"));
        NDArray m = manager.create(t.data(), new Shape(toLong(t.shape())));
        m.setRequiresGradient(true);
        maps.add(m);
      }
      YoloLoss.Parts parts;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        parts = loss.compute(manager, maps, targets);
        collector.backward(parts.total());
      }
      float[] v = parts.values();
      assertRelative(expected.get("box").asDouble(), v[0], "box");
      assertRelative(expected.get("obj").asDouble(), v[1], "obj");
      assertRelative(expected.get("cls").asDouble(), v[2], "cls");
      assertRelative(expected.get("total").asDouble(), parts.total().getFloat(), "total");
      for (int l = 0; l < 3; l++) {
        float[] want = Npy.read(dir.resolve("grad" + l + ".npy")).data();
        float[] got = maps.get(l).getGradient().toFloatArray();
        assertEquals(want.length, got.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
          scale = Math.max(scale, Math.abs(want[i]));
          worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(scale > 0, "level " + l + " has gradients");
        assertTrue(worst <= GRAD_TOLERANCE * scale, "level " + l + ": gradient off by " + worst + " of " + scale);
      }
    }
  }

  private static void assertRelative(double want, double got, String what) {
    double tol = want == 0 ? 0 : PART_TOLERANCE * Math.abs(want);
    assertEquals(want, got, tol, what + ": YOLOv5 " + want + ", Topiary " + got);
  }

  private static long[] toLong(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }
}
