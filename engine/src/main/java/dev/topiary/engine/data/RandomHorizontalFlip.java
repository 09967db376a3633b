package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * Training augmentation: mirrors the image left to right, in place, with probability {@code
 * probability}. Draws one double from the random source per sample whatever the outcome, so the
 * random stream stays aligned for later transforms.
 */
public final class RandomHorizontalFlip implements SampleTransform {
  private final double probability;

  /** Flips half of the samples. */
  public RandomHorizontalFlip() {
    this(0.5);
  }

  public RandomHorizontalFlip(double probability) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability: must be in [0, 1], got " + probability);
    }
    this.probability = probability;
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    return input;
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    if (random.nextDouble() >= probability) {
      return;
    }
    float[] data = image.data();
    int w = image.width();
    int rows = image.channels() * image.height();
    for (int r = 0; r < rows; r++) {
      for (int a = r * w, b = a + w - 1; a < b; a++, b--) {
        float t = data[a];
        data[a] = data[b];
        data[b] = t;
      }
    }
  }

  @Override
  public String toString() {
    return "RandomHorizontalFlip[" + probability + "]";
  }
}
