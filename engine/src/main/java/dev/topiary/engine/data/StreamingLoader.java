package dev.topiary.engine.data;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * Streams an {@link ImageFolderIndex}: images are read and decoded while the epoch runs, by a pool
 * of worker threads, into a bounded set of batch buffers, so the memory held does not grow with
 * the dataset (see {@link StreamingEpoch}). Each sample goes through a {@link FolderTransform}
 * (centre crop, or random resized crop and flip, then normalisation) to the model's {@code [C,H,W]}.
 *
 * <p>Determinism: the order of epoch {@code e} is a function of {@code (seed, e)} and the random
 * source of a sample's augmentation a function of {@code (seed, e, sample index)}, the same
 * functions {@link DataLoader} uses; batch {@code k} always holds positions {@code [k*B, (k+1)*B)}
 * of that order and batches are handed out in order, so neither the worker count nor thread
 * timing changes any batch.
 *
 * <p>Memory: at most {@code prefetch} batches of {@code B*C*H*W} floats exist per epoch iteration
 * (the builder lowers {@code prefetch} to fit {@link Builder#optMemoryBudget}, 1 GiB by default),
 * plus one decoded image per worker. Immutable apart from its {@link #stats()}.
 */
public final class StreamingLoader implements BatchSource {
  /** Default bound on the batch buffers of one epoch iteration: 1 GiB. */
  public static final long DEFAULT_MEMORY_BUDGET = 1L << 30;

  private final ImageFolderIndex index;
  private final FolderTransform transform;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final int workers;
  private final int prefetch;
  private final LoaderStats stats = new LoaderStats();

  private StreamingLoader(Builder b, FolderTransform transform, int prefetch) {
    this.index = b.index;
    this.transform = transform;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.workers = b.workers;
    this.prefetch = prefetch;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The batches of {@code epoch}; close an iterator left before its end to stop its workers at once. */
  public Iterable<Batch> epoch(int epoch, NDManager manager) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: must be >= 0, got " + epoch);
    }
    Objects.requireNonNull(manager, "manager");
    return () -> new StreamingEpoch(this, DataLoader.order(index.size(), shuffle, seed, epoch), epoch, manager);
  }

  @Override
  public Iterable<NDList> epochAsLists(int epoch, NDManager manager) {
    return BatchSource.asLists(epoch(epoch, manager));
  }

  @Override
  public int size() {
    return index.size();
  }

  @Override
  public int numBatches() {
    return (index.size() + batchSize - 1) / batchSize;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public ImageShape sampleShape() {
    return transform.outputShape();
  }

  public ImageFolderIndex index() {
    return index;
  }

  public int workers() {
    return workers;
  }

  /** Batches decoded ahead of the consumer at most (the queue's bound). */
  public int prefetch() {
    return prefetch;
  }

  /** Waiting and queue counters over every epoch so far. */
  public LoaderStats stats() {
    return stats;
  }

  FolderTransform transform() {
    return transform;
  }

  long seed() {
    return seed;
  }

  /** Builds a {@link StreamingLoader}; index, model input and batch size are required. */
  public static final class Builder {
    private ImageFolderIndex index;
    private ImageShape input;
    private int batchSize;
    private boolean shuffle;
    private boolean augment;
    private boolean pad;
    private long seed;
    private float[] mean;
    private float[] std;
    private int workers = 2;
    private int prefetch = 4;
    private long memoryBudget = DEFAULT_MEMORY_BUDGET;

    private Builder() {}

    public Builder setIndex(ImageFolderIndex index) {
      this.index = index;
      return this;
    }

    /** The model input {@code [C, H, W]}; images are converted to C channels (1: luma, 3: RGB). */
    public Builder setInput(ImageShape input) {
      this.input = input;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    public Builder optShuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Random resized crop and horizontal flip (training); off: centre crop. */
    public Builder optAugment(boolean augment) {
      this.augment = augment;
      return this;
    }

    /** Without augmentation, centre images no larger than the input on a black canvas instead of upscaling them. */
    public Builder optPad(boolean pad) {
      this.pad = pad;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Per-channel mean and std in [0, 1] pixel units; default ImageNet's (3 channels) or 0.449/0.226 (1). */
    public Builder optNormalization(float[] mean, float[] std) {
      this.mean = mean;
      this.std = std;
      return this;
    }

    /** Decoding threads (default 2). */
    public Builder optWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Batches prepared ahead (default 4), lowered to fit the memory budget. */
    public Builder optPrefetch(int prefetch) {
      this.prefetch = prefetch;
      return this;
    }

    public Builder optMemoryBudget(long bytes) {
      this.memoryBudget = bytes;
      return this;
    }

    public StreamingLoader build() {
      if (index == null) {
        throw new IllegalArgumentException("index: required");
      }
      if (input == null || (input.channels() != 1 && input.channels() != 3)) {
        throw new IllegalArgumentException("input: a [C, H, W] with C 1 or 3 is required, got " + input);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: must be >= 1, got " + batchSize);
      }
      if (workers < 1 || prefetch < 1) {
        throw new IllegalArgumentException("workers, prefetch: must be >= 1, got " + workers + ", " + prefetch);
      }
      float[][] ms = mean == null ? defaultNormalization(input.channels()) : new float[][] {mean, std};
      FolderTransform t = new FolderTransform(input, ms[0], ms[1], augment, pad);
      long batchBytes = (long) batchSize * input.size() * Float.BYTES;
      int bounded = (int) Math.max(1, Math.min(prefetch, memoryBudget / batchBytes));
      return new StreamingLoader(this, t, bounded);
    }
  }

  /** ImageNet's mean and std for 3 channels; their averages, 0.449 and 0.226, for 1. */
  public static float[][] defaultNormalization(int channels) {
    if (channels == 3) {
      return new float[][] {{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
    }
    return new float[][] {{0.449f}, {0.226f}};
  }
}
