package dev.topiary.engine.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/**
 * Epochs of {@code [data float32 [B,C,H,W], labels int32 [B]]} batches, whether from a dataset in
 * memory ({@link DataLoader}) or streamed from files ({@link StreamingLoader}). The order and
 * augmentation of an epoch depend only on the source's seed and the epoch number.
 */
public interface BatchSource {
  /** The batches of {@code epoch} ({@code >= 0}), created in {@code manager}; closing a list closes its arrays. */
  Iterable<NDList> epochAsLists(int epoch, NDManager manager);

  /** Number of samples per epoch. */
  int size();

  /** Number of batches per epoch. */
  int numBatches();

  int batchSize();

  /** The {@code [C, H, W]} of every sample in a batch. */
  ImageShape sampleShape();

  /** {@code batches} as {@code [data, labels]} lists, the shape the training loop and the criteria read. */
  static Iterable<NDList> asLists(Iterable<Batch> batches) {
    return () -> {
      Iterator<Batch> it = batches.iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public NDList next() {
          Batch b = it.next();
          return new NDList(b.data(), b.labels());
        }
      };
    };
  }
}
