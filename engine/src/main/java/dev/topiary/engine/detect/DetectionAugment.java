package dev.topiary.engine.detect;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * YOLOv5's per-sample training augmentation of a letterboxed picture, in YOLOv5's order
 * ({@code random_perspective}, {@code augment_hsv}, {@code fliplr}) with its default
 * hyper-parameters ({@link #yolov5Defaults()}; no rotation, shear or perspective, as those
 * defaults): an affine zoom by a gain in [1 - scale, 1 + scale] about the centre, moved so that
 * the centre lands at a uniform fraction [0.5 - translate, 0.5 + translate] of the side, bilinear
 * with grey {@value Letterbox#FILL} outside; HSV gains {@code 1 + U(-1, 1) × (h, s, v)} (hue
 * multiplied and wrapped, saturation and value multiplied and clipped; on pictures that are not
 * RGB only the value gain, as brightness); a horizontal flip with probability {@code flipLr}.
 *
 * <p>Boxes follow the pixels (pixel centres map as {@code x' = s x + b} on half-pixel
 * coordinates, the same map as the box corners), are clipped to the picture and kept only when
 * YOLOv5's {@code box_candidates} holds: width and height over 2 px, more than 10% of the scaled
 * box's area left, aspect ratio under 20. Mosaic, when the loader asks for it, composes four
 * pictures first ({@link Mosaic}) and this augmentation turns the 2S canvas into the S picture.
 *
 * <p>Immutable; all randomness comes from the {@link SplittableRandom} passed per sample, drawn in
 * a fixed order (gain, translate x, translate y, three HSV gains, flip), so a sample's result
 * depends only on that source.
 */
public record DetectionAugment(float scale, float translate, float flipLr, float hsvH, float hsvS, float hsvV) {
  public DetectionAugment {
    check("scale", scale, 0.99f);
    check("translate", translate, 0.5f);
    check("flipLr", flipLr, 1f);
    check("hsvH", hsvH, 1f);
    check("hsvS", hsvS, 1f);
    check("hsvV", hsvV, 1f);
  }

  /** YOLOv5's {@code hyp.scratch-low.yaml}: scale 0.5, translate 0.1, fliplr 0.5, hsv 0.015, 0.7, 0.4. */
  public static DetectionAugment yolov5Defaults() {
    return new DetectionAugment(0.5f, 0.1f, 0.5f, 0.015f, 0.7f, 0.4f);
  }

  /** A new, augmented picture with its surviving boxes; {@code img} is left as it was. */
  public DetectionImage apply(DetectionImage img, SplittableRandom random) {
    return apply(img, img.width(), img.height(), random);
  }

  /**
   * As {@link #apply(DetectionImage, SplittableRandom)}, into a picture of {@code w × h}: the
   * source's centre lands at the translated point of the output, as YOLOv5's {@code
   * random_perspective} with a border of minus half the side turns a 2S mosaic into an S picture.
   */
  public DetectionImage apply(DetectionImage img, int w, int h, SplittableRandom random) {
    float s = (float) uniform(random, 1 - scale, 1 + scale);
    float bx = (float) (uniform(random, 0.5 - translate, 0.5 + translate) * w - s * img.width() / 2.0);
    float by = (float) (uniform(random, 0.5 - translate, 0.5 + translate) * h - s * img.height() / 2.0);
    float gh = (float) (1 + uniform(random, -1, 1) * hsvH);
    float gs = (float) (1 + uniform(random, -1, 1) * hsvS);
    float gv = (float) (1 + uniform(random, -1, 1) * hsvV);
    boolean flip = random.nextDouble() < flipLr;

    byte[] px = warp(img, w, h, s, bx, by);
    hsv(px, img.channels(), h * w, gh, gs, gv);
    List<GroundTruth> boxes = new ArrayList<>();
    for (GroundTruth g : img.objects()) {
      float x1 = clip(s * g.x1() + bx, w);
      float x2 = clip(s * g.x2() + bx, w);
      float y1 = clip(s * g.y1() + by, h);
      float y2 = clip(s * g.y2() + by, h);
      if (candidate(s * g.width(), s * g.height(), x2 - x1, y2 - y1)) {
        boxes.add(flip ? new GroundTruth(g.cls(), w - x2, y1, w - x1, y2) : new GroundTruth(g.cls(), x1, y1, x2, y2));
      }
    }
    if (flip) {
      flipRows(px, img.channels() * h, w);
    }
    return new DetectionImage(px, img.channels(), h, w, boxes);
  }

  /** YOLOv5's box_candidates (wh_thr 2, area_thr 0.1, ar_thr 20) on the scaled and the clipped box. */
  static boolean candidate(float w1, float h1, float w2, float h2) {
    float eps = 1e-16f;
    float ar = Math.max(w2 / (h2 + eps), h2 / (w2 + eps));
    return w2 > 2 && h2 > 2 && w2 * h2 / (w1 * h1 + eps) > 0.1f && ar < 20;
  }

  private static byte[] warp(DetectionImage img, int w, int h, float s, float bx, float by) {
    int sw = img.width();
    int sh = img.height();
    byte[] src = img.chw();
    byte[] out = new byte[img.channels() * h * w];
    int[] x0 = new int[w];
    float[] ax = new float[w];
    for (int x = 0; x < w; x++) {
      float sx = (x + 0.5f - bx) / s - 0.5f;
      x0[x] = (int) Math.floor(sx);
      ax[x] = sx - x0[x];
    }
    for (int c = 0; c < img.channels(); c++) {
      int plane = c * sh * sw;
      int outPlane = c * h * w;
      for (int y = 0; y < h; y++) {
        float sy = (y + 0.5f - by) / s - 0.5f;
        int y0 = (int) Math.floor(sy);
        float ay = sy - y0;
        for (int x = 0; x < w; x++) {
          float a = at(src, plane, sw, sh, x0[x], y0) * (1 - ax[x]) + at(src, plane, sw, sh, x0[x] + 1, y0) * ax[x];
          float b = at(src, plane, sw, sh, x0[x], y0 + 1) * (1 - ax[x]) + at(src, plane, sw, sh, x0[x] + 1, y0 + 1) * ax[x];
          out[outPlane + y * w + x] = (byte) Math.round(a + ay * (b - a));
        }
      }
    }
    return out;
  }

  private static int at(byte[] src, int plane, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? Letterbox.FILL : src[plane + y * w + x] & 0xFF;
  }

  private static void hsv(byte[] px, int channels, int plane, float gh, float gs, float gv) {
    if (channels != 3) {
      for (int i = 0; i < px.length; i++) {
        px[i] = (byte) Math.min(255, Math.round((px[i] & 0xFF) * gv));
      }
      return;
    }
    float[] hsb = new float[3];
    for (int p = 0; p < plane; p++) {
      Color.RGBtoHSB(px[p] & 0xFF, px[plane + p] & 0xFF, px[2 * plane + p] & 0xFF, hsb);
      float hue = hsb[0] * gh;
      int rgb = Color.HSBtoRGB(hue - (float) Math.floor(hue), Math.min(1, hsb[1] * gs), Math.min(1, hsb[2] * gv));
      px[p] = (byte) (rgb >> 16);
      px[plane + p] = (byte) (rgb >> 8);
      px[2 * plane + p] = (byte) rgb;
    }
  }

  private static void flipRows(byte[] px, int rows, int w) {
    for (int r = 0; r < rows; r++) {
      for (int i = r * w, j = r * w + w - 1; i < j; i++, j--) {
        byte t = px[i];
        px[i] = px[j];
        px[j] = t;
      }
    }
  }

  private static double uniform(SplittableRandom random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }

  private static float clip(float v, int max) {
    return Math.max(0, Math.min(max, v));
  }

  private static void check(String name, float v, float max) {
    if (!(v >= 0 && v <= max)) {
      throw new IllegalArgumentException(name + ": must lie in [0, " + max + "], got " + v);
    }
  }
}
