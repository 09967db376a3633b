package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * YOLOv5's mosaic ({@code load_mosaic}): four pictures of side S around a random centre of a 2S
 * canvas of grey {@value Letterbox#FILL}, the first ending at the centre from the top left, the
 * second starting there to the top right, the third to the bottom left, the fourth to the bottom
 * right; each is cut where the canvas ends, and its boxes move with it and are clipped to the
 * canvas. {@link DetectionAugment#apply(DetectionImage, int, int, SplittableRandom)} then makes
 * the S picture from the 2S canvas, as YOLOv5's {@code random_perspective} does with a border of
 * {@code -S/2}.
 *
 * <p>The centre is drawn first from the given source, uniform in {@code [S/2, 3S/2)} on each axis.
 * Stateless.
 */
public final class Mosaic {
  private Mosaic() {}

  /**
   * The 2S canvas of four pictures, each {@code S × S} with the same channels.
   *
   * @throws IllegalArgumentException when there are not four pictures of one square size and channel count
   */
  public static DetectionImage compose(List<DetectionImage> four, SplittableRandom random) {
    if (four.size() != 4) {
      throw new IllegalArgumentException("pictures: a mosaic takes 4, got " + four.size());
    }
    int s = four.get(0).width();
    int channels = four.get(0).channels();
    for (DetectionImage img : four) {
      if (img.width() != s || img.height() != s || img.channels() != channels) {
        throw new IllegalArgumentException("pictures: a mosaic takes four " + channels + "x" + s + "x" + s + " pictures, got "
            + img.channels() + "x" + img.height() + "x" + img.width());
      }
    }
    int side = 2 * s;
    int xc = s / 2 + random.nextInt(s);
    int yc = s / 2 + random.nextInt(s);
    byte[] canvas = new byte[channels * side * side];
    Arrays.fill(canvas, (byte) Letterbox.FILL);
    List<GroundTruth> boxes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      // the canvas rectangle [x1a, x2a) x [y1a, y2a) and the picture's [x1b, ...) it shows
      int x1a = i % 2 == 0 ? Math.max(xc - s, 0) : xc;
      int x2a = i % 2 == 0 ? xc : Math.min(xc + s, side);
      int y1a = i < 2 ? Math.max(yc - s, 0) : yc;
      int y2a = i < 2 ? yc : Math.min(yc + s, side);
      int x1b = i % 2 == 0 ? s - (x2a - x1a) : 0;
      int y1b = i < 2 ? s - (y2a - y1a) : 0;
      DetectionImage img = four.get(i);
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < y2a - y1a; y++) {
          System.arraycopy(img.chw(), (c * s + y1b + y) * s + x1b, canvas, (c * side + y1a + y) * side + x1a, x2a - x1a);
        }
      }
      int padw = x1a - x1b;
      int padh = y1a - y1b;
      for (GroundTruth g : img.objects()) {
        float bx1 = clip(g.x1() + padw, side);
        float bx2 = clip(g.x2() + padw, side);
        float by1 = clip(g.y1() + padh, side);
        float by2 = clip(g.y2() + padh, side);
        boxes.add(new GroundTruth(g.cls(), bx1, by1, bx2, by2));
      }
    }
    return new DetectionImage(canvas, channels, side, side, boxes);
  }

  private static float clip(float v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
