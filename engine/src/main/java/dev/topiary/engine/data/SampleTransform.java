package dev.topiary.engine.data;

import java.util.SplittableRandom;

/**
 * A change to one sample in float space, applied when a batch is built.
 *
 * <p>Implementations are immutable and thread-safe: all per-sample state lives in the {@link
 * FloatImage} and the random source passed in. A random transform draws only from {@code random},
 * so a seeded source gives reproducible results.
 */
public interface SampleTransform {
  /**
   * The shape this transform produces from {@code input}; throws {@link IllegalArgumentException}
   * naming the field when the input does not fit (for example a channel count that a
   * normalization's mean does not match).
   */
  ImageShape outputShape(ImageShape input);

  /** Rewrites {@code image}; its shape afterwards is {@link #outputShape} of its shape before. */
  void apply(FloatImage image, SplittableRandom random);
}
