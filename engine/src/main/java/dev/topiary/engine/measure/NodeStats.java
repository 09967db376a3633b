package dev.topiary.engine.measure;

import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.TensorShape;
import java.util.Objects;

/**
 * The size and cost of one node, as {@link ModelStats} counts them.
 *
 * @param name the node name
 * @param op its operator type
 * @param output its per-sample output shape
 * @param params learnable parameters it owns (BN running statistics excluded)
 * @param macs multiply-accumulates per sample (Conv and Gemm only, biases excluded)
 */
public record NodeStats(String name, OpType op, TensorShape output, long params, long macs) {
  public NodeStats {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(output, "output");
  }
}
