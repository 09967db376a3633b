package dev.topiary.engine.prune.importance;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.prune.ChannelGroup;
import dev.topiary.engine.prune.DependencyGraph;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the data criteria look at a producer's channels: "after the conv's activation", as HRank's
 * rank_generation.py hooks the ReLU that follows each conv. Derived from the graph alone: starting
 * at the producer, follow its single consumer while that consumer is a point-wise channel op
 * (BatchNormalization, InstanceNormalization, an activation, Dropout, Identity) that keeps the
 * map's size; the last node of that chain is the capture point. The chain stops at a node read by
 * several nodes or that is a graph output, and before pooling, padding, resizing, element-wise
 * arithmetic (Add, Mul, ...), Concat, Slice, Flatten, a conv or a Gemm. So conv-bn-relu is
 * captured at the relu, a conv feeding an Add directly at the conv itself (in a CIFAR ResNet the
 * second conv of a block is captured at its BN, not after the Add and ReLU as HRank's ResNet code
 * does, since that map mixes in the shortcut).
 *
 * <p>The capture point has the producer's channels at the same indices, so it is a member of the
 * producer's groups with the same unit indices.
 */
public final class CapturePoints {
  /** Channel-wise ops that keep the spatial size: a map after them is still "the conv's map". */
  private static final Set<OpType> POINTWISE = EnumSet.of(OpType.BATCH_NORMALIZATION, OpType.INSTANCE_NORMALIZATION,
      OpType.RELU, OpType.CLIP, OpType.LEAKY_RELU, OpType.SIGMOID, OpType.HARD_SIGMOID, OpType.SILU, OpType.HARD_SWISH,
      OpType.DROPOUT, OpType.IDENTITY);

  private CapturePoints() {}

  /** The capture point of one producer (a node name; the producer itself when nothing follows). */
  public static String of(Graph g, String producer) {
    String at = g.node(producer).name(); // names an unknown node
    while (true) {
      List<String> readers = g.consumers(at);
      if (readers.size() != 1 || g.outputs().contains(at)) {
        return at;
      }
      String next = readers.get(0);
      if (!POINTWISE.contains(g.node(next).type())) {
        return at;
      }
      at = next;
    }
  }

  /** Producer to capture point, for every producer of every prunable group, in group order. */
  public static Map<String, String> of(DependencyGraph deps) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ChannelGroup grp : deps.prunableGroups()) {
      for (String p : grp.producers()) {
        out.computeIfAbsent(p, k -> of(deps.graph(), k));
      }
    }
    return out;
  }
}
