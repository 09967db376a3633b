package dev.topiary.engine.detect;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pass over a {@link DetectionLoader}'s epoch. With {@code workers > 0} a pool of daemon
 * threads fills whole batches, at most {@code 2 × workers} ahead of the consumer (the bound on
 * memory); the futures queue in batch order, so batch {@code k} always comes before {@code k + 1}.
 * With no workers each batch is made on the consuming thread when asked for.
 *
 * <p>Lifecycle: the pool shuts down after the last batch is handed out or when a batch fails (its
 * exception, an {@code InvalidDatasetException} naming the file, is rethrown to the consumer), and
 * the threads of an abandoned pass end by themselves a second after they run out of work.
 */
final class DetectionEpoch implements Iterator<DetectionBatch> {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final DetectionLoader loader;
  private final int[] order;
  private final int epoch;
  private final int numBatches;
  private final ThreadPoolExecutor pool;
  private final ArrayDeque<Future<DetectionBatch>> queue = new ArrayDeque<>();
  private int submitted;
  private int next;

  DetectionEpoch(DetectionLoader loader, int[] order, int epoch) {
    this.loader = loader;
    this.order = order;
    this.epoch = epoch;
    this.numBatches = loader.numBatches();
    int workers = loader.workers();
    if (workers == 0) {
      pool = null;
      return;
    }
    pool = new ThreadPoolExecutor(workers, workers, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "topiary-detect-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    while (submitted < Math.min(numBatches, 2 * workers)) {
      submit();
    }
  }

  @Override
  public boolean hasNext() {
    return next < numBatches;
  }

  @Override
  public DetectionBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " has " + numBatches + " batches");
    }
    int k = next++;
    if (pool == null) {
      return loader.batch(order, epoch, k);
    }
    Future<DetectionBatch> f = queue.poll();
    if (submitted < numBatches) {
      submit();
    }
    DetectionBatch b = await(f);
    if (next == numBatches) {
      pool.shutdown();
    }
    return b;
  }

  private void submit() {
    int k = submitted++;
    queue.add(pool.submit(() -> loader.batch(order, epoch, k)));
  }

  private DetectionBatch await(Future<DetectionBatch> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      stop();
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("detection epoch " + epoch + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new IllegalStateException("interrupted while waiting for a batch", e);
    }
  }

  private void stop() {
    pool.shutdownNow();
    queue.forEach(q -> q.cancel(true));
    queue.clear();
    next = numBatches;
  }
}
