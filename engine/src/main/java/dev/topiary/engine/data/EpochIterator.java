package dev.topiary.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One pass over a {@link DataLoader}'s epoch. Owns the staging buffers (direct, native order),
 * which every batch reuses. With prefetching, the worker fills them for batch {@code k + 1} only
 * after batch {@code k}'s arrays were copied out of them, so a single set suffices; the {@link
 * Future} hand-over orders the worker's writes before the consumer's reads.
 *
 * <p>Why create-then-duplicate: the PyTorch engine wraps a direct buffer without copying it
 * ({@code from_blob}), so an array created straight from the reused staging buffer would change
 * under the caller when the next batch is staged. Letting DJL copy a heap array instead allocates a
 * fresh direct buffer per batch, which the JVM frees only after a GC and which made epochs several
 * times slower. Duplicating the wrapper gives an engine-owned copy, freed when the batch is closed.
 */
final class EpochIterator implements Iterator<Batch> {
  private final DataLoader loader;
  private final int[] order;
  private final int epoch;
  private final NDManager manager;
  private final int numBatches;
  private final ImageShape inShape;
  private final ImageShape outShape;
  private final ByteBuffer dataBytes;
  private final FloatBuffer dataStaging;
  private final ByteBuffer labelBytes;
  private final IntBuffer labelStaging;
  private final FloatImage image = new FloatImage();
  private final ThreadPoolExecutor worker;
  private Future<?> pending;
  private int next;

  EpochIterator(DataLoader loader, int[] order, int epoch, NDManager manager) {
    this.loader = loader;
    this.order = order;
    this.epoch = epoch;
    this.manager = manager;
    this.numBatches = loader.numBatches();
    this.inShape = loader.dataset().shape();
    this.outShape = loader.sampleShape();
    int maxBatch = Math.min(loader.batchSize(), order.length);
    this.dataBytes = direct(maxBatch * outShape.size() * Float.BYTES);
    this.dataStaging = dataBytes.asFloatBuffer();
    this.labelBytes = direct(maxBatch * Integer.BYTES);
    this.labelStaging = labelBytes.asIntBuffer();
    this.worker = loader.prefetch() && numBatches > 1 ? newWorker() : null;
  }

  @Override
  public boolean hasNext() {
    return next < numBatches;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " has " + numBatches + " batches");
    }
    int k = next++;
    if (pending != null) {
      await(pending);
      pending = null;
    } else {
      fill(k);
    }
    int n = batchLength(k);
    int[] indices = Arrays.copyOfRange(order, k * loader.batchSize(), k * loader.batchSize() + n);
    NDArray data =
        copyOut(
            dataBytes,
            new Shape(n, outShape.channels(), outShape.height(), outShape.width()),
            DataType.FLOAT32);
    NDArray y = copyOut(labelBytes, new Shape(n), DataType.INT32);
    if (worker != null) {
      if (next < numBatches) {
        int following = next;
        pending = worker.submit(() -> fill(following));
      } else {
        worker.shutdown();
      }
    }
    return new Batch(data, y, indices, k);
  }

  /** An engine-owned copy of the first {@code shape.size()} values staged in {@code staging}. */
  private NDArray copyOut(ByteBuffer staging, Shape shape, DataType type) {
    return copyOut(manager, staging, shape, type);
  }

  /** An engine-owned copy of the first {@code shape.size()} values of a reused staging buffer. */
  static NDArray copyOut(NDManager manager, ByteBuffer staging, Shape shape, DataType type) {
    ByteBuffer view = staging.duplicate().order(ByteOrder.nativeOrder());
    view.position(0).limit(Math.toIntExact(shape.size()) * type.getNumOfBytes());
    try (NDArray wrapper = manager.create(view, shape, type)) {
      return wrapper.duplicate();
    }
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  private int batchLength(int k) {
    return Math.min(loader.batchSize(), order.length - k * loader.batchSize());
  }

  /** Transforms the samples of batch {@code k} into the staging buffers. */
  private void fill(int k) {
    int start = k * loader.batchSize();
    int n = batchLength(k);
    int size = outShape.size();
    ImageDataset dataset = loader.dataset();
    SampleTransform transform = loader.transform();
    for (int j = 0; j < n; j++) {
      int index = order[start + j];
      float[] buf = image.reset(inShape);
      dataset.toFloat(index, buf, 0);
      transform.apply(image, loader.sampleRandom(epoch, index));
      if (image.channels() != outShape.channels()
          || image.height() != outShape.height()
          || image.width() != outShape.width()) {
        throw new IllegalStateException(
            transform + " produced " + image.shape() + " for sample " + index + ", declared " + outShape);
      }
      dataStaging.put(j * size, image.data(), 0, size);
      labelStaging.put(j, dataset.label(index));
    }
  }

  private void await(Future<?> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      worker.shutdownNow();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException("prefetch of epoch " + epoch + " failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.shutdownNow();
      throw new IllegalStateException("interrupted while waiting for a prefetched batch", e);
    }
  }

  /** A single daemon thread that ends when idle, so an abandoned iteration leaks nothing. */
  private static ThreadPoolExecutor newWorker() {
    return new ThreadPoolExecutor(
        0,
        1,
        1,
        TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "topiary-data-prefetch");
          t.setDaemon(true);
          return t;
        });
  }
}
