package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.BnFolding;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.List;
import java.util.Map;

/**
 * Moves weights between a {@link Model} and a {@link GraphBlock}. Shapes are checked against the
 * graph on both sides, since DJL's own parameter loading does not check them.
 */
public final class BlockWeights {
  private BlockWeights() {}

  /** A block for the model's graph, initialised on {@code manager}'s device with the model's weights. */
  public static GraphBlock load(Model model, NDManager manager) {
    GraphBlock block = new GraphBlock(model.graph());
    block.initialize(manager);
    copyInto(model.weights(), block);
    return block;
  }

  /**
   * A block of the model with each batch normalization folded into the convolution that feeds it
   * ({@link BnFolding#fold}), on {@code manager}'s device: for inference only, where it computes
   * what {@link #load}'s block computes in inference mode (within float32 rounding) with one node,
   * one kernel call and one intermediate array less per folded BN.
   *
   * <p>Not trainable: the folded BNs' batch statistics are gone, so a training pass would compute
   * another function. The folded BNs' node names are gone too (their readers read the fused conv),
   * so the block cannot serve anything that captures or scores nodes by name (activation capture,
   * HRank, Taylor), and its parameters are not the model's ({@link #export} gives the folded ones).
   * A model with no foldable BN gives the same block as {@link #load}.
   */
  public static GraphBlock loadForInference(Model model, NDManager manager) {
    return load(BnFolding.fold(model), manager);
  }

  /** Writes every tensor of {@code w} into the block's parameters, checking each shape. */
  public static void copyInto(Weights w, GraphBlock block) {
    w.checkAgainst(block.graph().paramShapes(), "weights for graph '" + block.graph().name() + "'");
    for (ParamKey k : block.graph().paramShapes().keySet()) {
      Tensor t = w.get(k);
      block.setParameter(k, t.shape(), t.data());
    }
  }

  /** A copy of the block's parameters, BN running statistics included. */
  public static Weights export(GraphBlock block) {
    Weights w = new Weights();
    for (Map.Entry<ParamKey, NDArray> e : block.parameterArrays().entrySet()) {
      long[] s = e.getValue().getShape().getShape();
      int[] shape = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        shape[i] = (int) s[i];
      }
      w.put(e.getKey(), new Tensor(shape, e.getValue().toFloatArray()));
    }
    return w;
  }

  /** The block's graph and current parameters as a model with the given history. */
  public static Model toModel(GraphBlock block, List<PruningStep> history) {
    return new Model(block.graph(), export(block), history);
  }
}
