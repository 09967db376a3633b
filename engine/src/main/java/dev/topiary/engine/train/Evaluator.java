package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * Loss, top-1 and top-5 of a classifier over a data source, in inference mode (batch-norm running
 * statistics used, dropout off, autograd off). Each batch lives in a sub-manager closed after it.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Evaluates an initialized {@code block} over {@code data}'s batches of {@code epoch}. */
  public static Evaluation evaluate(Block block, EpochData data, int epoch) {
    TorchSupport.disableAutogradOnThisThread();
    try (NDManager manager = TorchSupport.modelManager(block).newSubManager()) {
      return evaluate(block, new ParameterStore(manager, false), data, epoch, manager);
    }
  }

  static Evaluation evaluate(Block block, ParameterStore store, EpochData data, int epoch, NDManager manager) {
    try (ClassificationMetrics metrics = new ClassificationMetrics(manager)) {
      for (NDList batch : data.batches(epoch, manager)) {
        try (NDManager step = manager.newSubManager()) {
          batch.attach(step);
          NDArray logits = block.forward(store, new NDList(batch.get(0)), false).singletonOrThrow();
          metrics.add(logits, batch.get(1));
        }
      }
      return metrics.result();
    }
  }
}
