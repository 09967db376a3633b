package dev.topiary.engine.detect;

import dev.topiary.engine.data.ImageDataset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws one scene of {@link DetectionScenes}: a textured background (a two-colour linear gradient
 * in a random direction, 6 to 12 soft colour blobs, per-pixel noise) and 1 to {@code maxObjects}
 * Fashion-MNIST items, each scaled bilinearly to a square of {@value #MIN_SIDE}–{@value #MAX_SIDE}
 * of the side, tinted with a random colour (shaded by the garment's own intensity) and placed at a
 * random position where its box overlaps every item already placed by an IoU of at most
 * {@value #MAX_IOU} and covers at most {@value #MAX_COVER} of the smaller box (so that no item
 * hides behind another within the IoU bound, as a small box inside a large one would); an item that finds no place in {@value #TRIES} tries is skipped, so a scene
 * holds between 1 (the first item always fits) and the drawn count.
 *
 * <p>An item's pixels are those where its scaled intensity exceeds {@value #THRESHOLD}; only they
 * are painted, and its box is their exact extent (pixel corners), so every box tightly contains
 * its item. Later items are drawn over earlier ones; noise is added over everything. All
 * randomness comes from the source passed in, in a fixed order, and the transcendental functions
 * are {@link StrictMath}'s, so a scene's bytes are the same on every JVM.
 */
final class SceneRenderer {
  static final double MIN_SIDE = 0.15;
  static final double MAX_SIDE = 0.60;
  static final double MAX_IOU = 0.3;
  static final double MAX_COVER = 0.5;
  static final int TRIES = 20;
  static final float THRESHOLD = 0.1f;
  static final float MIN_CONTRAST = 100;

  private final ImageDataset items;
  private final int size;

  SceneRenderer(ImageDataset items, int size) {
    this.items = items;
    this.size = size;
  }

  /** One scene with {@code count} items drawn; {@code masks}, when not null, receives each placed item's pixels. */
  DetectionImage render(int count, SplittableRandom random, List<boolean[]> masks) {
    int plane = size * size;
    float[] rgb = background(random);
    List<GroundTruth> boxes = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      int k = random.nextInt(items.size());
      float[] tint = {40 + random.nextInt(216), 40 + random.nextInt(216), 40 + random.nextInt(216)};
      for (int t = 0; t < TRIES; t++) {
        int side = Math.max(8, (int) Math.round(size * (MIN_SIDE + (MAX_SIDE - MIN_SIDE) * random.nextDouble())));
        int ox = random.nextInt(size - side + 1);
        int oy = random.nextInt(size - side + 1);
        float[] a = scaled(k, side);
        GroundTruth box = extent(a, side, ox, oy, items.label(k));
        if (box == null || boxes.stream().anyMatch(b -> iou(b, box) > MAX_IOU || cover(b, box) > MAX_COVER)) {
          continue;
        }
        boolean[] mask = paint(rgb, a, side, ox, oy, contrasting(tint, meanShade(a), rgb, box));
        boxes.add(box);
        if (masks != null) {
          masks.add(mask);
        }
        break;
      }
    }
    byte[] out = new byte[3 * plane];
    for (int p = 0; p < out.length; p++) {
      out[p] = (byte) Math.max(0, Math.min(255, Math.round(rgb[p] + 6 * random.nextGaussian())));
    }
    return new DetectionImage(out, 3, size, size, boxes);
  }

  private float[] background(SplittableRandom random) {
    float[] rgb = new float[3 * size * size];
    float[] c0 = colour(random, 20, 200);
    float[] c1 = colour(random, 20, 200);
    double angle = 2 * Math.PI * random.nextDouble();
    float cos = (float) StrictMath.cos(angle);
    float sin = (float) StrictMath.sin(angle);
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        float t = Math.max(0, Math.min(1, ((x - size / 2f) * cos + (y - size / 2f) * sin) / size + 0.5f));
        for (int c = 0; c < 3; c++) {
          rgb[c * plane + y * size + x] = c0[c] + t * (c1[c] - c0[c]);
        }
      }
    }
    int blobs = 6 + random.nextInt(7);
    for (int b = 0; b < blobs; b++) {
      float cx = size * (float) random.nextDouble();
      float cy = size * (float) random.nextDouble();
      float sigma = size * (float) (0.04 + 0.12 * random.nextDouble());
      float[] col = colour(random, 0, 256);
      float strength = (float) (0.3 + 0.4 * random.nextDouble());
      int r = (int) Math.ceil(3 * sigma);
      for (int y = Math.max(0, (int) cy - r); y < Math.min(size, (int) cy + r + 1); y++) {
        for (int x = Math.max(0, (int) cx - r); x < Math.min(size, (int) cx + r + 1); x++) {
          float d2 = (x + 0.5f - cx) * (x + 0.5f - cx) + (y + 0.5f - cy) * (y + 0.5f - cy);
          float w = strength * (float) StrictMath.exp(-d2 / (2 * sigma * sigma));
          for (int c = 0; c < 3; c++) {
            int p = c * plane + y * size + x;
            rgb[p] += w * (col[c] - rgb[p]);
          }
        }
      }
    }
    return rgb;
  }

  /** Fashion-MNIST item {@code k} resampled bilinearly (pixel centres) to {@code side × side}, in [0, 1]. */
  float[] scaled(int k, int side) {
    int h = items.height();
    int w = items.width();
    float[] src = new float[h * w];
    items.toFloat(k, src, 0);
    float[] out = new float[side * side];
    for (int y = 0; y < side; y++) {
      float sy = Math.max(0, Math.min(h - 1, (y + 0.5f) * h / side - 0.5f));
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, h - 1);
      float ay = sy - y0;
      for (int x = 0; x < side; x++) {
        float sx = Math.max(0, Math.min(w - 1, (x + 0.5f) * w / side - 0.5f));
        int x0 = (int) sx;
        int x1 = Math.min(x0 + 1, w - 1);
        float ax = sx - x0;
        float top = src[y0 * w + x0] + ax * (src[y0 * w + x1] - src[y0 * w + x0]);
        float bottom = src[y1 * w + x0] + ax * (src[y1 * w + x1] - src[y1 * w + x0]);
        out[y * side + x] = top + ay * (bottom - top);
      }
    }
    return out;
  }

  /** The box of the pixels above the threshold, placed at (ox, oy); null when there are none. */
  static GroundTruth extent(float[] a, int side, int ox, int oy, int cls) {
    int x1 = side;
    int y1 = side;
    int x2 = -1;
    int y2 = -1;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        if (a[y * side + x] > THRESHOLD) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x);
          y2 = Math.max(y2, y);
        }
      }
    }
    return x2 < 0 ? null : new GroundTruth(cls, ox + x1, oy + y1, ox + x2 + 1, oy + y2 + 1);
  }

  private boolean[] paint(float[] rgb, float[] a, int side, int ox, int oy, float[] tint) {
    int plane = size * size;
    boolean[] mask = new boolean[plane];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float v = a[y * side + x];
        if (v <= THRESHOLD) {
          continue;
        }
        float alpha = Math.min(1, (v - THRESHOLD) / 0.15f);
        float shade = shade(v);
        int p = (oy + y) * size + ox + x;
        mask[p] = true;
        for (int c = 0; c < 3; c++) {
          rgb[c * plane + p] += alpha * (tint[c] * shade - rgb[c * plane + p]);
        }
      }
    }
    return mask;
  }

  /**
   * {@code tint}, or when the item's mean colour ({@code tint × shade}) lies within
   * {@value #MIN_CONTRAST} (RGB distance) of the mean colour under the box, a tint whose mean is
   * that colour's complement, so that no item vanishes into its background.
   */
  private float[] contrasting(float[] tint, float shade, float[] rgb, GroundTruth box) {
    int plane = size * size;
    float[] mean = new float[3];
    int n = 0;
    for (int y = (int) box.y1(); y < (int) box.y2(); y++) {
      for (int x = (int) box.x1(); x < (int) box.x2(); x++, n++) {
        for (int c = 0; c < 3; c++) {
          mean[c] += rgb[c * plane + y * size + x];
        }
      }
    }
    float d2 = 0;
    for (int c = 0; c < 3; c++) {
      mean[c] /= n;
      d2 += (tint[c] * shade - mean[c]) * (tint[c] * shade - mean[c]);
    }
    if (d2 >= MIN_CONTRAST * MIN_CONTRAST) {
      return tint;
    }
    float[] out = new float[3];
    for (int c = 0; c < 3; c++) {
      out[c] = Math.min(255, Math.max(40, 255 - mean[c]) / shade);
    }
    return out;
  }

  private static float shade(float v) {
    return 0.45f + 0.55f * v;
  }

  private static float meanShade(float[] a) {
    float sum = 0;
    int n = 0;
    for (float v : a) {
      if (v > THRESHOLD) {
        sum += shade(v);
        n++;
      }
    }
    return n == 0 ? 1 : sum / n;
  }

  private static float[] colour(SplittableRandom random, int lo, int hi) {
    return new float[] {lo + random.nextInt(hi - lo), lo + random.nextInt(hi - lo), lo + random.nextInt(hi - lo)};
  }

  static float iou(GroundTruth a, GroundTruth b) {
    float inter = intersection(a, b);
    float union = a.width() * a.height() + b.width() * b.height() - inter;
    return union <= 0 ? 0 : inter / union;
  }

  /** The share of the smaller box that the other covers. */
  static float cover(GroundTruth a, GroundTruth b) {
    float smaller = Math.min(a.width() * a.height(), b.width() * b.height());
    return smaller <= 0 ? 0 : intersection(a, b) / smaller;
  }

  private static float intersection(GroundTruth a, GroundTruth b) {
    float iw = Math.max(0, Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1()));
    float ih = Math.max(0, Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1()));
    return iw * ih;
  }
}
