package dev.topiary.engine.prune.importance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.DependencyGraph;

/**
 * APoZ (Hu et al. 2016): the average percentage of zeros of each channel after its activation
 * ({@link CapturePoints}), over all positions and images of the first {@code limit} batches. The
 * score is {@code 1 - APoZ}, so that a channel that is mostly zero scores low. Zeros are counted
 * exactly ({@code == 0}) on the device; only C counts per point and batch come back. A capture
 * point that is not a ReLU-like output (ReLU, or a Clip at a minimum of 0) rarely holds zeros;
 * such points get a note in the result.
 */
public final class ApozImportance implements Importance {

  @Override
  public String name() {
    return "apoz";
  }

  @Override
  public boolean needsData() {
    return true;
  }

  @Override
  public GroupScores score(Model model, DependencyGraph deps, ScoringData dataOrNull) {
    return ActivationPass.score(this, model, deps, dataOrNull, ApozImportance::nonZeroFractions, false, (producer, at) -> {
      Node n = model.graph().node(at);
      boolean reluLike = n.type() == OpType.RELU || (n.op() instanceof Clip c && c.min() == 0);
      return reluLike ? null : "capture point '" + at + "' of " + producer + " is a " + n.type().jsonName() + " output, not a ReLU";
    });
  }

  /** Per channel, the sum over the batch's images of the fraction of non-zero positions. */
  private static double[] nonZeroFractions(NDArray activation, NDArray unused) {
    long[] bcs = ChannelStatistic.bcs(activation);
    long[] zeros = activation.eq(0).toType(DataType.INT64, false).reshape(bcs).sum(new int[] {0, 2}).toLongArray();
    double[] sums = new double[zeros.length];
    for (int c = 0; c < sums.length; c++) {
      sums[c] = bcs[0] - (double) zeros[c] / bcs[2];
    }
    return sums;
  }
}
