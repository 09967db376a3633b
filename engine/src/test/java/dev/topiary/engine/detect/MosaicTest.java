package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YOLOv5's mosaic: the four quadrants around the drawn centre, boxes moved with their pixels. */
class MosaicTest {
  @TempDir Path dir;

  @Test
  void eachPictureEndsOrStartsAtTheCentreWithItsBoxOnItsPixels() {
    int s = 64;
    // one white square per picture, each in another place
    List<DetectionImage> four = List.of(DetectionAugmentTest.square(s, 40, 44, 60, 60), DetectionAugmentTest.square(s, 2, 50, 20, 62),
        DetectionAugmentTest.square(s, 44, 2, 62, 18), DetectionAugmentTest.square(s, 4, 6, 24, 26));
    for (int seed = 0; seed < 20; seed++) {
      SplittableRandom draw = new SplittableRandom(seed);
      int xc = s / 2 + draw.nextInt(s);
      int yc = s / 2 + draw.nextInt(s);
      DetectionImage m = Mosaic.compose(four, new SplittableRandom(seed));
      assertEquals(2 * s, m.width());
      assertEquals(2 * s, m.height());
      assertEquals(4, m.objects().size());
      // top left ends at the centre: its square [40, 60) x [44, 60) moves by (xc - 64, yc - 64)
      assertBox(m.objects().get(0), xc - s + 40, yc - s + 44, xc - s + 60, yc - s + 60, 2 * s);
      assertBox(m.objects().get(1), xc + 2, yc - s + 50, xc + 20, yc - s + 62, 2 * s);
      assertBox(m.objects().get(2), xc - s + 44, yc + 2, xc - s + 62, yc + 18, 2 * s);
      assertBox(m.objects().get(3), xc + 4, yc + 6, xc + 24, yc + 26, 2 * s);
      for (GroundTruth g : m.objects()) {
        if (g.x2() - g.x1() >= 1 && g.y2() - g.y1() >= 1) {
          int cx = (int) ((g.x1() + g.x2()) / 2);
          int cy = (int) ((g.y1() + g.y2()) / 2);
          assertEquals(255, m.pixel(0, cy, cx), "seed " + seed + ": the box " + g + " lies on its square");
        }
      }
      if (xc > s && yc > s) {
        assertEquals(Letterbox.FILL, m.pixel(1, 0, 0), "seed " + seed + ": the canvas is grey where no picture reaches");
      }
      assertEquals(0, m.pixel(1, yc - 1, xc - 1) % 255, "the top left picture ends at the centre");
    }
    assertThrows(IllegalArgumentException.class, () -> Mosaic.compose(four.subList(0, 3), new SplittableRandom(1)));
  }

  private static void assertBox(GroundTruth g, float x1, float y1, float x2, float y2, int side) {
    float[] want = {clip(x1, side), clip(y1, side), clip(x2, side), clip(y2, side)};
    float[] got = {g.x1(), g.y1(), g.x2(), g.y2()};
    for (int i = 0; i < 4; i++) {
      assertEquals(want[i], got[i], 1e-4, "box " + g);
    }
  }

  private static float clip(float v, int side) {
    return Math.max(0, Math.min(side, v));
  }

  @Test
  void aLoaderWithMosaicShowsObjectsOfOtherPicturesAndStaysDeterministic() throws Exception {
    DetectionScenes.builder().setOut(dir).setTrain(16).optVal(1).setSize(64).optSeed(4).optObjects(1, 1).build().write();
    DetectionDataset data = YoloDataset.open(dir.resolve("data.yaml"), "train");
    DetectionLoader.Builder b = DetectionLoader.builder().setDataset(data).setImageSize(64).setBatchSize(16).optAugment(true).optSeed(2)
        .optWorkers(0);
    DetectionBatch plain = b.build().epoch(0).iterator().next();
    DetectionBatch mosaic = b.optMosaic(1.0).build().epoch(0).iterator().next();
    DetectionBatch again = b.build().epoch(0).iterator().next();
    assertEquals(java.util.Arrays.toString(mosaic.targets()), java.util.Arrays.toString(again.targets()), "the same seed, the same mosaics");
    assertNotEquals(java.util.Arrays.toString(plain.targets()), java.util.Arrays.toString(mosaic.targets()));
    int most = 0;
    List<Integer> perPicture = new ArrayList<>();
    for (int j = 0; j < 16; j++) {
      int n = 0;
      for (int r = 0; r < mosaic.targets().length; r += 6) {
        n += mosaic.targets()[r] == j ? 1 : 0;
      }
      perPicture.add(n);
      most = Math.max(most, n);
    }
    assertTrue(most >= 2, "one object per scene, several per mosaic: " + perPicture);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.optMosaic(1.5).build());
    assertTrue(e.getMessage().startsWith("mosaic: a probability in [0, 1]"), e.getMessage());
  }
}
