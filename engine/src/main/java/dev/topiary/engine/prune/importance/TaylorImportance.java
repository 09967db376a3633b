package dev.topiary.engine.prune.importance;

import ai.djl.ndarray.NDArray;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;

/**
 * First-order Taylor expansion on activations (Molchanov et al. 2017): for each image and
 * channel, {@code |sum over positions of a * dL/da|} at the channel's capture point ({@link
 * CapturePoints}), averaged over the images of the first {@code limit} batches. L is the image's
 * own cross-entropy (the batch loss is summed, not averaged, so scores do not depend on the batch
 * size). The model runs in inference mode (BN running statistics, no dropout) with autograd on.
 *
 * <p>Why activations rather than weights (|w * dL/dw| per filter, Molchanov 2019): the activation
 * gradient is obtained robustly in DJL by adding a zero leaf at each capture point (see {@link
 * ActivationPass}), it scores exactly what pruning removes (the channel's output after BN and
 * activation), and it needs no parameter gradients at all. Needs a classifier whose single output
 * is class logits. Only one DJL gradient collector may be open in a JVM at a time, so this cannot
 * run while training runs in the same process.
 */
public final class TaylorImportance implements Importance {

  @Override
  public String name() {
    return "taylor";
  }

  @Override
  public boolean needsData() {
    return true;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    return ActivationPass.score(this, model, deps, dataOrNull, TaylorImportance::taylorSums, true, null);
  }

  /** Per channel, the sum over the batch's images of |sum over positions of a * g|. */
  private static double[] taylorSums(NDArray activation, NDArray gradient) {
    long[] bcs = ChannelStatistic.bcs(activation);
    float[] s = activation.mul(gradient).reshape(bcs).sum(new int[] {2}).abs().sum(new int[] {0}).toFloatArray();
    double[] sums = new double[s.length];
    for (int c = 0; c < s.length; c++) {
      sums[c] = s[c];
    }
    return sums;
  }
}
