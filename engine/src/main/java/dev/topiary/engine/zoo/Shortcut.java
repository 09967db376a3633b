package dev.topiary.engine.zoo;

/**
 * How a CIFAR ResNet block that changes width or resolution forms its residual (He et al. 2016,
 * section 4.2).
 */
public enum Shortcut {
  /**
   * Parameter-free: keep every second row and column and zero-pad the new channels, half before
   * and half after (HRank's {@code LambdaLayer}, a {@link dev.topiary.engine.graph.ZeroPadShortcut}).
   */
  A,
  /** Projection: a 1x1 convolution with the block's stride followed by batch normalization. */
  B
}
