package dev.topiary.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pass over a {@link StreamingLoader}'s epoch. Owns {@code prefetch} slots (a direct float
 * buffer for a batch's samples and one for its labels) and a pool of {@code workers} daemon
 * threads. Batch {@code k} is filled by one worker into a free slot; the futures queue in batch
 * order, so the consumer always receives batch {@code k} before {@code k + 1}. A slot is reused
 * for batch {@code k + prefetch} only after batch {@code k}'s arrays were copied out of it, which
 * bounds the queue structurally: no more than {@code prefetch} batches ever exist.
 *
 * <p>Lifecycle: the workers shut down after the last batch is handed out, at once on {@link
 * #close()} or a failed batch, and by themselves one second after an iteration is abandoned
 * (core threads time out). A decode error reaches the consumer as the worker's {@link
 * dev.topiary.engine.InvalidDatasetException}, which names the file.
 *
 * <p>Arrays are created on the consuming thread, as in {@link EpochIterator} (create from the
 * staging buffer, then duplicate into an engine-owned copy).
 */
final class StreamingEpoch implements Iterator<Batch>, AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final StreamingLoader loader;
  private final int[] order;
  private final int epoch;
  private final NDManager manager;
  private final int numBatches;
  private final ThreadPoolExecutor pool;
  private final ArrayDeque<Future<Slot>> queue = new ArrayDeque<>();
  private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);
  private final AtomicInteger ready = new AtomicInteger();
  private int submitted;
  private int next;

  StreamingEpoch(StreamingLoader loader, int[] order, int epoch, NDManager manager) {
    this.loader = loader;
    this.order = order;
    this.epoch = epoch;
    this.manager = manager;
    this.numBatches = loader.numBatches();
    this.pool = new ThreadPoolExecutor(loader.workers(), loader.workers(), 1, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "topiary-stream-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    int slotFloats = Math.min(loader.batchSize(), order.length) * loader.sampleShape().size();
    for (int s = 0; s < loader.prefetch() && submitted < numBatches; s++) {
      submit(new Slot(slotFloats, Math.min(loader.batchSize(), order.length)));
    }
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
    long start = System.nanoTime();
    Slot slot = await(queue.poll());
    ready.decrementAndGet();
    loader.stats().batchTaken(System.nanoTime() - start);
    int n = batchLength(k);
    ImageShape s = loader.sampleShape();
    NDArray data = EpochIterator.copyOut(manager, slot.data, new Shape(n, s.channels(), s.height(), s.width()), DataType.FLOAT32);
    NDArray labels = EpochIterator.copyOut(manager, slot.labels, new Shape(n), DataType.INT32);
    if (submitted < numBatches) {
      submit(slot);
    } else if (next == numBatches) {
      pool.shutdown();
    }
    int from = k * loader.batchSize();
    return new Batch(data, labels, Arrays.copyOfRange(order, from, from + n), k);
  }

  /** Stops the workers now; batches not yet handed out are dropped. Idempotent. */
  @Override
  public void close() {
    pool.shutdownNow();
    while (!queue.isEmpty()) {
      queue.poll().cancel(true);
    }
    next = numBatches;
  }

  private void submit(Slot slot) {
    int k = submitted++;
    queue.add(pool.submit(() -> {
      fill(k, slot);
      loader.stats().batchReady(ready.incrementAndGet());
      return slot;
    }));
  }

  private void fill(int k, Slot slot) {
    FolderTransform transform = loader.transform();
    ImageFolderIndex index = loader.index();
    Worker w = workers.get();
    int size = loader.sampleShape().size();
    int channels = loader.sampleShape().channels();
    int from = k * loader.batchSize();
    for (int j = 0; j < batchLength(k); j++) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      int i = order[from + j];
      PixelImage img = w.decoder.decode(index.file(i), channels);
      transform.apply(img, DataLoader.sampleRandom(loader.seed(), epoch, i), w.sample, 0);
      slot.data.asFloatBuffer().put(j * size, w.sample, 0, size);
      slot.labels.asIntBuffer().put(j, index.label(i));
    }
  }

  private Slot await(Future<Slot> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      close();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("streaming epoch " + epoch + " failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
  }

  private int batchLength(int k) {
    return Math.min(loader.batchSize(), order.length - k * loader.batchSize());
  }

  /** One batch's staging buffers. */
  private static final class Slot {
    final ByteBuffer data;
    final ByteBuffer labels;

    Slot(int floats, int samples) {
      data = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
      labels = ByteBuffer.allocateDirect(samples * Integer.BYTES).order(ByteOrder.nativeOrder());
    }
  }

  /** A worker thread's decoder and sample buffer. */
  private final class Worker {
    final ImageDecoder decoder = new ImageDecoder();
    final float[] sample = new float[loader.sampleShape().size()];
  }
}
