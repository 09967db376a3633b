package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Batches a {@link DetectionDataset} for a detector: each picture decoded, converted to the
 * model's channel count, letterboxed to {@code S × S}, augmented when training
 * ({@link DetectionAugment}, optionally on a {@link Mosaic} of four), and scaled to [0, 1] as YOLOv5
 * feeds it.
 *
 * <p>Determinism: epoch {@code e}'s order is a Fisher-Yates shuffle seeded by {@code (seed, e)}
 * when augmenting, the dataset's order otherwise, and picture {@code i}'s augmentation draws from
 * a source seeded by {@code (seed, e, i)}; batch {@code k} holds positions {@code [kB, (k+1)B)} of
 * the order (the last one may be short). Workers fill whole batches and the batches are handed out
 * in order, so the worker count and thread timing change nothing. See {@link DetectionEpoch} for
 * the threads' lifecycle.
 */
public final class DetectionLoader {
  private final DetectionDataset dataset;
  private final int imageSize;
  private final int batchSize;
  private final DetectionAugment augment;
  private final long seed;
  private final int channels;
  private final int workers;
  private final double mosaic;

  private DetectionLoader(Builder b) {
    this.dataset = b.limit < b.dataset.size() ? b.dataset.head(b.limit) : b.dataset;
    this.imageSize = b.imageSize;
    this.batchSize = b.batchSize;
    this.augment = b.augment ? b.augmentation : null;
    this.seed = b.seed;
    this.channels = b.channels;
    this.workers = b.workers;
    this.mosaic = b.mosaic;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The pictures an epoch covers (after {@code optLimit}). */
  public int size() {
    return dataset.size();
  }

  public int numBatches() {
    return (dataset.size() + batchSize - 1) / batchSize;
  }

  public int imageSize() {
    return imageSize;
  }

  public int channels() {
    return channels;
  }

  public List<String> classNames() {
    return dataset.classNames();
  }

  /** Epoch {@code epoch}'s batches; each {@code iterator()} call starts a new pass with its own workers. */
  public Iterable<DetectionBatch> epoch(int epoch) {
    return () -> new DetectionEpoch(this, order(epoch), epoch);
  }

  int batchSize() {
    return batchSize;
  }

  int workers() {
    return workers;
  }

  /** Batch {@code k} of {@code order}: decodes, fits and augments each of its pictures. */
  DetectionBatch batch(int[] order, int epoch, int k) {
    int from = k * batchSize;
    int n = Math.min(batchSize, order.length - from);
    int plane = imageSize * imageSize;
    float[] images = new float[n * channels * plane];
    List<Float> targets = new ArrayList<>();
    List<List<GroundTruth>> truths = new ArrayList<>();
    List<LetterboxInfo> boxes = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      int i = order[from + j];
      Letterbox.Letterboxed lb = letterboxed(i);
      DetectionImage img = augment == null ? lb.image() : augmented(lb.image(), sampleRandom(epoch, i));
      byte[] px = img.chw();
      for (int p = 0, o = j * channels * plane; p < px.length; p++, o++) {
        images[o] = (px[p] & 0xFF) / 255f;
      }
      for (GroundTruth g : img.objects()) {
        targets.add((float) j);
        targets.add((float) g.cls());
        targets.add((g.x1() + g.x2()) / 2 / imageSize);
        targets.add((g.y1() + g.y2()) / 2 / imageSize);
        targets.add(g.width() / imageSize);
        targets.add(g.height() / imageSize);
      }
      truths.add(img.objects());
      boxes.add(lb.info());
      ids.add(dataset.id(i));
    }
    float[] t = new float[targets.size()];
    for (int r = 0; r < t.length; r++) {
      t[r] = targets.get(r);
    }
    return new DetectionBatch(n, imageSize, images, t, truths, boxes, ids);
  }

  private Letterbox.Letterboxed letterboxed(int i) {
    return Letterbox.apply(ChannelFit.fit(dataset.load(i), channels, dataset.file(i)), imageSize);
  }

  /**
   * The training picture: with probability {@code mosaic}, a {@link Mosaic} of it and three
   * pictures drawn uniformly from the dataset (the draw, the three indices and the centre come
   * first from the sample's source), then the augmentation; without mosaic nothing more is drawn,
   * so a loader without it gives the same pictures as before it existed.
   */
  private DetectionImage augmented(DetectionImage picture, SplittableRandom random) {
    if (mosaic > 0 && random.nextDouble() < mosaic) {
      List<DetectionImage> four = new ArrayList<>(4);
      four.add(picture);
      for (int k = 0; k < 3; k++) {
        four.add(letterboxed(random.nextInt(dataset.size())).image());
      }
      return augment.apply(Mosaic.compose(four, random), imageSize, imageSize, random);
    }
    return augment.apply(picture, random);
  }

  int[] order(int epoch) {
    int[] order = new int[dataset.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    if (augment != null) {
      SplittableRandom random = new SplittableRandom(mix(seed ^ mix(0x5EEDL + epoch)));
      for (int i = order.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  private SplittableRandom sampleRandom(int epoch, int index) {
    return new SplittableRandom(mix(mix(seed ^ mix(epoch)) + index));
  }

  /** SplitMix64's finaliser: spreads nearby seeds far apart. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Builds a {@link DetectionLoader}; dataset, image size and batch size are required. */
  public static final class Builder {
    private DetectionDataset dataset;
    private int imageSize;
    private int batchSize;
    private boolean augment;
    private DetectionAugment augmentation = DetectionAugment.yolov5Defaults();
    private long seed;
    private int channels = 3;
    private int workers = 2;
    private int limit = Integer.MAX_VALUE;
    private double mosaic;

    private Builder() {}

    /**
     * With augmentation on, the share of training pictures made as a {@link Mosaic} of four
     * (YOLOv5's {@code mosaic}, 1.0 in its defaults; default 0 here: each mosaic decodes three more
     * pictures).
     */
    public Builder optMosaic(double probability) {
      this.mosaic = probability;
      return this;
    }

    public Builder setDataset(DetectionDataset dataset) {
      this.dataset = dataset;
      return this;
    }

    /** The square input's side, a positive multiple of 32. */
    public Builder setImageSize(int size) {
      this.imageSize = size;
      return this;
    }

    public Builder setBatchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Training augmentation and a shuffled order (default off: the dataset's order, no augmentation). */
    public Builder optAugment(boolean augment) {
      this.augment = augment;
      return this;
    }

    /** The augmentation used when {@link #optAugment} is on (default {@link DetectionAugment#yolov5Defaults()}). */
    public Builder optAugmentation(DetectionAugment augmentation) {
      this.augmentation = augmentation;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The model's input channels (default 3): grey is replicated, RGB becomes luma for 1. */
    public Builder optChannels(int channels) {
      this.channels = channels;
      return this;
    }

    /** Decoding threads (default 2); 0 decodes on the consuming thread. */
    public Builder optWorkers(int workers) {
      this.workers = workers;
      return this;
    }

    /** Only the dataset's first {@code limit} pictures. */
    public Builder optLimit(int limit) {
      this.limit = limit;
      return this;
    }

    public DetectionLoader build() {
      validate();
      return new DetectionLoader(this);
    }

    private void validate() {
      if (dataset == null) {
        throw new IllegalArgumentException("dataset: required");
      }
      if (imageSize < 32 || imageSize % 32 != 0) {
        throw new IllegalArgumentException("imageSize: must be a positive multiple of 32, got " + imageSize);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize: must be at least 1, got " + batchSize);
      }
      if (augmentation == null) {
        throw new IllegalArgumentException("augmentation: must not be null");
      }
      if (channels < 1) {
        throw new IllegalArgumentException("channels: must be at least 1, got " + channels);
      }
      if (workers < 0) {
        throw new IllegalArgumentException("workers: must be at least 0, got " + workers);
      }
      if (limit < 1) {
        throw new IllegalArgumentException("limit: must be at least 1, got " + limit);
      }
      if (!(mosaic >= 0 && mosaic <= 1)) {
        throw new IllegalArgumentException("mosaic: a probability in [0, 1], got " + mosaic);
      }
      if (Math.min(limit, dataset.size()) < 1) {
        throw new IllegalArgumentException("dataset: has no pictures");
      }
    }
  }
}
