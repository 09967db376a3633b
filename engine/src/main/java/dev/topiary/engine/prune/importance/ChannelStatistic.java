package dev.topiary.engine.prune.importance;

import ai.djl.ndarray.NDArray;

/**
 * A per-channel statistic of a captured feature map, summed over the images of one batch; the
 * pass divides the totals by the number of images, giving the mean per image.
 */
@FunctionalInterface
interface ChannelStatistic {

  /**
   * @param activation the captured map, {@code [B, C, H, W]} or {@code [B, F]} (then H = W = 1)
   * @param gradientOrNull d(loss)/d(activation), same shape; null for passes without gradients
   * @return C sums over the batch's B images
   */
  double[] batchSums(NDArray activation, NDArray gradientOrNull);

  /** {@code [B, C, H*W]} of a captured map: the view every statistic reduces over. */
  static long[] bcs(NDArray a) {
    long[] s = a.getShape().getShape();
    long spatial = 1;
    for (int i = 2; i < s.length; i++) {
      spatial *= s[i];
    }
    return new long[] {s[0], s[1], spatial};
  }
}
