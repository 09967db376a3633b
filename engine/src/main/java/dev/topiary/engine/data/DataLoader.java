package dev.topiary.engine.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Streams an {@link ImageDataset} as batches of DJL arrays:
 *
 * <pre>{@code
 * for (Batch b : loader.epoch(e, manager)) {
 *   try (b) { NDArray x = b.data(); NDArray y = b.labels(); ... }
 * }
 * }</pre>
 *
 * <p>Each sample is converted from uint8 to float ({@code pixel / 255}) into a reused buffer, run
 * through the transform, and copied into a reused staging buffer for its batch; the batch's
 * {@code NDArray}s are created from that buffer, on the consuming thread, only when the iterator
 * reaches the batch. No float copy of the whole dataset is ever made.
 *
 * <p>Determinism: the sample order of epoch {@code e} depends only on {@code (seed, e)} (a
 * Fisher-Yates shuffle, or dataset order without shuffling), and the random source given to the
 * transform for a sample depends only on {@code (seed, e, sample index)}. The same loader
 * settings therefore give identical batches, with or without prefetching.
 *
 * <p>Immutable and thread-safe; each {@link #epoch} call returns an independent iterable. With
 * {@code optPrefetch(true)} one daemon thread per epoch iteration prepares the next batch's floats
 * while the caller works on the current one; it stops after the last batch, or by itself shortly
 * after an iteration is abandoned.
 */
public final class DataLoader implements BatchSource {
  private final ImageDataset dataset;
  private final SampleTransform transform;
  private final ImageShape sampleShape;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final boolean dropLast;
  private final boolean prefetch;

  private DataLoader(Builder b, ImageShape sampleShape) {
    this.dataset = b.dataset;
    this.transform = b.transform;
    this.sampleShape = sampleShape;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.prefetch = b.prefetch;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The batches of epoch {@code epoch} ({@code >= 0}), created in {@code manager} as iterated. */
  public Iterable<Batch> epoch(int epoch, NDManager manager) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: must be >= 0, got " + epoch);
    }
    Objects.requireNonNull(manager, "manager");
    return () -> new EpochIterator(this, order(epoch), epoch, manager);
  }

  /**
   * The batches of {@code epoch} as {@code [data, labels]} lists, the shape the training loop and
   * the importance criteria read; closing a list closes its arrays.
   */
  @Override
  public Iterable<NDList> epochAsLists(int epoch, NDManager manager) {
    return BatchSource.asLists(epoch(epoch, manager));
  }

  /** The dataset indices in the order epoch {@code epoch} visits them. */
  public int[] order(int epoch) {
    return order(dataset.size(), shuffle, seed, epoch);
  }

  /** {@code 0..n-1}, Fisher-Yates shuffled by a source that depends only on {@code (seed, epoch)}. */
  static int[] order(int n, boolean shuffle, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(mix(seed ^ mix(0x5EEDL + epoch)));
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  @Override
  public int size() {
    return dataset.size();
  }

  /** Number of batches per epoch (a partial last batch counts unless dropLast is set). */
  @Override
  public int numBatches() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /** Shape of one sample after the transform: the {@code [C, H, W]} of every batch. */
  @Override
  public ImageShape sampleShape() {
    return sampleShape;
  }

  public ImageDataset dataset() {
    return dataset;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  SampleTransform transform() {
    return transform;
  }

  boolean prefetch() {
    return prefetch;
  }

  /** The random source for the transform of dataset sample {@code index} in {@code epoch}. */
  SplittableRandom sampleRandom(int epoch, int index) {
    return sampleRandom(seed, epoch, index);
  }

  /** The random source of sample {@code index} in {@code epoch}: a function of the three numbers alone. */
  static SplittableRandom sampleRandom(long seed, int epoch, int index) {
    return new SplittableRandom(mix(mix(seed ^ mix(epoch)) + index));
  }

  /** SplitMix64 finaliser: spreads nearby seeds far apart. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Builds a {@link DataLoader}; dataset and batch size are required. */
  public static final class Builder {
    private ImageDataset dataset;
    private SampleTransform transform = TransformPipeline.identity();
    private int batchSize;
    private boolean shuffle;
    private long seed;
    private boolean dropLast;
    private boolean prefetch;

    private Builder() {}

    public Builder setDataset(ImageDataset dataset) {
      this.dataset = dataset;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Per-sample transform; defaults to none. */
    public Builder optTransform(SampleTransform transform) {
      this.transform = transform;
      return this;
    }

    /** Shuffle each epoch (default: dataset order). */
    public Builder optShuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Seed of the shuffles and of the transforms' random sources (default 0). */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Drop a last batch smaller than the batch size (default: keep it). */
    public Builder optDropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    /** Prepare the next batch on a background thread (default: off). */
    public Builder optPrefetch(boolean prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    /** Validates the fields, including that the transform accepts the dataset's sample shape. */
    public DataLoader build() {
      if (dataset == null) {
        throw new IllegalArgumentException("dataset: required");
      }
      if (batchSize <= 0) {
        throw new IllegalArgumentException("batchSize: must be positive, got " + batchSize);
      }
      if (transform == null) {
        throw new IllegalArgumentException("transform: must not be null");
      }
      return new DataLoader(this, transform.outputShape(dataset.shape()));
    }
  }
}
