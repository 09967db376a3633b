package dev.topiary.engine.data;

import java.util.List;
import java.util.SplittableRandom;

/** Transforms applied in order; itself a {@link SampleTransform}. Immutable. */
public final class TransformPipeline implements SampleTransform {
  private static final TransformPipeline IDENTITY = new TransformPipeline(List.of());

  private final List<SampleTransform> steps;

  private TransformPipeline(List<SampleTransform> steps) {
    this.steps = steps;
  }

  /** The pipeline that leaves samples unchanged. */
  public static TransformPipeline identity() {
    return IDENTITY;
  }

  /** A pipeline applying {@code steps} in order. */
  public static TransformPipeline of(SampleTransform... steps) {
    return new TransformPipeline(List.of(steps));
  }

  /** A new pipeline with {@code step} appended. */
  public TransformPipeline then(SampleTransform step) {
    SampleTransform[] all = steps.toArray(new SampleTransform[steps.size() + 1]);
    all[steps.size()] = step;
    return of(all);
  }

  public List<SampleTransform> steps() {
    return steps;
  }

  @Override
  public ImageShape outputShape(ImageShape input) {
    ImageShape shape = input;
    for (SampleTransform step : steps) {
      shape = step.outputShape(shape);
    }
    return shape;
  }

  @Override
  public void apply(FloatImage image, SplittableRandom random) {
    for (SampleTransform step : steps) {
      step.apply(image, random);
    }
  }

  @Override
  public String toString() {
    return "TransformPipeline" + steps;
  }
}
