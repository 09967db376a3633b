package dev.topiary.engine.detect;

import java.util.Arrays;
import java.util.List;

/**
 * YOLOv5's letterbox with {@code auto=False}: the picture is resized by {@code r = S / max(w, h)}
 * (up or down) to {@code round(w r) × round(h r)} with bilinear interpolation on pixel centres
 * (OpenCV's {@code INTER_LINEAR}; no antialiasing when shrinking, where YOLOv5 uses
 * {@code INTER_AREA}), then centred on an {@code S × S} canvas of grey {@value #FILL}; the odd
 * pixel of padding goes right and below, as YOLOv5's {@code round(d/2 ∓ 0.1)}. Stateless.
 */
public final class Letterbox {
  /** YOLOv5's padding grey. */
  public static final int FILL = 114;

  private Letterbox() {}

  /** A letterboxed picture (its objects in input pixels) and how it was placed. */
  public record Letterboxed(DetectionImage image, LetterboxInfo info) {}

  /** Letterboxes {@code img} to {@code size × size}, {@code size} a positive multiple of 32. */
  public static Letterboxed apply(DetectionImage img, int size) {
    if (size < 32 || size % 32 != 0) {
      throw new IllegalArgumentException("size: must be a positive multiple of 32 (the model's largest stride), got " + size);
    }
    float r = (float) size / Math.max(img.width(), img.height());
    int nw = Math.max(1, Math.min(size, Math.round(img.width() * r)));
    int nh = Math.max(1, Math.min(size, Math.round(img.height() * r)));
    int left = (size - nw) / 2;
    int top = (size - nh) / 2;
    LetterboxInfo info = new LetterboxInfo(r, left, top, img.width(), img.height());
    int c = img.channels();
    byte[] out = new byte[c * size * size];
    Arrays.fill(out, (byte) FILL);
    if (nw == img.width() && nh == img.height()) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < nh; y++) {
          System.arraycopy(img.chw(), (ch * nh + y) * nw, out, (ch * size + top + y) * size + left, nw);
        }
      }
    } else {
      resizeInto(img, out, size, left, top, nw, nh);
    }
    List<GroundTruth> boxes = img.objects().stream().map(info::toInput).toList();
    return new Letterboxed(new DetectionImage(out, c, size, size, boxes), info);
  }

  /** Bilinear resize of {@code img} into the {@code nw × nh} window at (left, top) of a square canvas. */
  private static void resizeInto(DetectionImage img, byte[] out, int size, int left, int top, int nw, int nh) {
    int w = img.width();
    int h = img.height();
    float fx = (float) w / nw;
    float fy = (float) h / nh;
    int[] x0 = new int[nw];
    int[] x1 = new int[nw];
    float[] ax = new float[nw];
    for (int x = 0; x < nw; x++) {
      float sx = Math.max(0, (x + 0.5f) * fx - 0.5f);
      x0[x] = Math.min((int) sx, w - 1);
      x1[x] = Math.min(x0[x] + 1, w - 1);
      ax[x] = sx - (int) sx;
    }
    byte[] src = img.chw();
    for (int ch = 0; ch < img.channels(); ch++) {
      int plane = ch * h * w;
      for (int y = 0; y < nh; y++) {
        float sy = Math.max(0, (y + 0.5f) * fy - 0.5f);
        int y0 = Math.min((int) sy, h - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        float ay = sy - (int) sy;
        int r0 = plane + y0 * w;
        int r1 = plane + y1 * w;
        int o = (ch * size + top + y) * size + left;
        for (int x = 0; x < nw; x++) {
          float a = (src[r0 + x0[x]] & 0xFF) + ax[x] * ((src[r0 + x1[x]] & 0xFF) - (src[r0 + x0[x]] & 0xFF));
          float b = (src[r1 + x0[x]] & 0xFF) + ax[x] * ((src[r1 + x1[x]] & 0xFF) - (src[r1 + x0[x]] & 0xFF));
          out[o + x] = (byte) Math.round(a + ay * (b - a));
        }
      }
    }
  }
}
