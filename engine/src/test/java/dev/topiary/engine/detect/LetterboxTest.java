package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LetterboxTest {
  private static DetectionImage image(int c, int h, int w, int value, List<GroundTruth> objects) {
    byte[] px = new byte[c * h * w];
    java.util.Arrays.fill(px, (byte) value);
    return new DetectionImage(px, c, h, w, objects);
  }

  @Test
  void shrinksAWidePictureAndCentresItVertically() {
    // 200 x 100 to 64: r = 0.32, resized 64 x 32, 32 rows of grey split 16 above and 16 below
    DetectionImage img = image(3, 100, 200, 50, List.of(new GroundTruth(4, 20, 10, 60, 50)));
    Letterbox.Letterboxed lb = Letterbox.apply(img, 64);
    assertEquals(new LetterboxInfo(0.32f, 0, 16, 200, 100), lb.info());
    GroundTruth g = lb.image().objects().get(0);
    assertEquals(4, g.cls());
    assertEquals(6.4f, g.x1(), 1e-5f);
    assertEquals(19.2f, g.y1(), 1e-5f);
    assertEquals(19.2f, g.x2(), 1e-5f);
    assertEquals(32f, g.y2(), 1e-5f);
    assertEquals(114, lb.image().pixel(2, 15, 10));
    assertEquals(50, lb.image().pixel(2, 16, 10));
    assertEquals(50, lb.image().pixel(0, 47, 63));
    assertEquals(114, lb.image().pixel(0, 48, 63));
  }

  @Test
  void putsTheOddPixelOfPaddingRightAndBelowAsYolov5() {
    // 100 x 39 to 64: r = 0.64, resized 64 x 25 (24.96 rounded), 39 rows of padding: 19 above, 20 below
    Letterbox.Letterboxed lb = Letterbox.apply(image(1, 39, 100, 9, List.of()), 64);
    assertEquals(19f, lb.info().padY());
    assertEquals(114, lb.image().pixel(0, 18, 0));
    assertEquals(9, lb.image().pixel(0, 19, 0));
    assertEquals(9, lb.image().pixel(0, 43, 0));
    assertEquals(114, lb.image().pixel(0, 44, 0));
    // a tall one pads left and right: 30 x 64 to 64 is copied at x = 17 (34 columns: 17 and 17)
    Letterbox.Letterboxed tall = Letterbox.apply(image(1, 64, 30, 9, List.of()), 64);
    assertEquals(new LetterboxInfo(1f, 17, 0, 30, 64), tall.info());
    assertEquals(114, tall.image().pixel(0, 5, 16));
    assertEquals(9, tall.image().pixel(0, 5, 17));
    assertEquals(9, tall.image().pixel(0, 5, 46));
    assertEquals(114, tall.image().pixel(0, 5, 47));
  }

  @Test
  void halvingAveragesEachTwoByTwoBlock() {
    // 128 x 64 checkerboard of 0 and 200 to 64: every output pixel samples the centre of a 2 x 2 block
    byte[] px = new byte[64 * 128];
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 128; x++) {
        px[y * 128 + x] = (byte) ((x + y) % 2 == 0 ? 0 : 200);
      }
    }
    Letterbox.Letterboxed lb = Letterbox.apply(new DetectionImage(px, 1, 64, 128, List.of()), 64);
    for (int y = 16; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        assertEquals(100, lb.image().pixel(0, y, x), "(" + x + ", " + y + ")");
      }
    }
  }

  @Test
  void mapsDetectionsBackToTheOriginalAndClipsThem() {
    LetterboxInfo info = new LetterboxInfo(0.32f, 0, 16, 200, 100);
    Detection d = info.toOriginal(new Detection(6.4f, 19.2f, 19.2f, 32f, 0.9f, 4));
    assertEquals(20f, d.x1(), 1e-4f);
    assertEquals(10f, d.y1(), 1e-4f);
    assertEquals(60f, d.x2(), 1e-4f);
    assertEquals(50f, d.y2(), 1e-4f);
    assertEquals(0.9f, d.conf());
    assertEquals(4, d.cls());
    // a box reaching into the grey is clipped to the picture: y 10 (in the top padding) -> 0, x 70 -> 200
    Detection out = info.toOriginal(new Detection(-3, 10, 70, 50, 0.5f, 1));
    assertEquals(new Detection(0, 0, 200, 100, 0.5f, 1), out);
  }

  @Test
  void refusesASideThatIsNotAMultipleOf32() {
    assertEquals("size: must be a positive multiple of 32 (the model's largest stride), got 48",
        assertThrows(IllegalArgumentException.class, () -> Letterbox.apply(image(1, 4, 4, 0, List.of()), 48)).getMessage());
  }
}
