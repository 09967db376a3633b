package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * A region of a source image, in pixels (fractional for a centre crop), that is resampled to the
 * model's input, optionally mirrored. Produced by the two geometries of streamed images:
 *
 * <ul>
 *   <li>{@link #centre}: the evaluation view, plain "resize the shorter side, then centre-crop":
 *       the largest centred region with the target's aspect ratio, so an image already of the
 *       target size maps onto itself (no torchvision {@code H/0.875} border is cut away).
 *   <li>{@link #randomResized}: torchvision's {@code RandomResizedCrop} algorithm (scale
 *       {@code (0.08, 1)}, log-uniform ratio {@code (3/4, 4/3)}, ten tries, then the centre crop
 *       clamped to the ratio range), drawing from the sample's seeded random source.
 * </ul>
 */
record CropBox(double top, double left, double height, double width, boolean flip) {
  static final double MIN_SCALE = 0.08;
  static final double MIN_RATIO = 3.0 / 4.0;
  static final double MAX_RATIO = 4.0 / 3.0;

  /** The largest centred {@code outH:outW} region of an {@code h × w} image. */
  static CropBox centre(int h, int w, int outH, int outW) {
    double scale = Math.max((double) outH / h, (double) outW / w);
    double ch = outH / scale;
    double cw = outW / scale;
    return new CropBox((h - ch) / 2, (w - cw) / 2, ch, cw, false);
  }

  /** torchvision's {@code RandomResizedCrop.get_params}, then a coin for the horizontal flip. */
  static CropBox randomResized(int h, int w, SplittableRandom random, boolean flip) {
    double area = (double) h * w;
    double logMin = Math.log(MIN_RATIO);
    double logMax = Math.log(MAX_RATIO);
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (MIN_SCALE + (1 - MIN_SCALE) * random.nextDouble());
      double ratio = Math.exp(logMin + (logMax - logMin) * random.nextDouble());
      int cw = (int) Math.round(Math.sqrt(target * ratio));
      int ch = (int) Math.round(Math.sqrt(target / ratio));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) {
        int top = random.nextInt(h - ch + 1);
        int left = random.nextInt(w - cw + 1);
        return new CropBox(top, left, ch, cw, flip && random.nextBoolean());
      }
    }
    double inRatio = (double) w / h;
    int cw = w;
    int ch = h;
    if (inRatio < MIN_RATIO) {
      ch = (int) Math.round(w / MIN_RATIO);
    } else if (inRatio > MAX_RATIO) {
      cw = (int) Math.round(h * MAX_RATIO);
    }
    return new CropBox((h - ch) / 2, (w - cw) / 2, ch, cw, flip && random.nextBoolean());
  }
}
