package dev.topiary.engine.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The batches of one pass over a data set. Each {@link NDList} is {@code [images float32 [B,C,H,W],
 * labels [B]]} with integer class labels (any integer or float type holding whole numbers). The
 * consumer closes every batch after use.
 *
 * <p>For reproducible and resumable training the order must be a function of {@code epoch} alone
 * (for example a shuffle seeded with {@code seed + epoch}): a run resumed at epoch {@code k} asks
 * again for epochs {@code k, k+1, ...}.
 */
@FunctionalInterface
public interface EpochData {

  /** The batches of epoch {@code epoch} (0-based), created in {@code manager}. */
  Iterable<NDList> batches(int epoch, NDManager manager);
}
