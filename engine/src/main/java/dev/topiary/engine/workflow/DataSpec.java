package dev.topiary.engine.workflow;

import dev.topiary.engine.InvalidDatasetException;
import dev.topiary.engine.data.BatchSource;
import dev.topiary.engine.data.DataLoader;
import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.data.ImageFolderIndex;
import dev.topiary.engine.data.ImageShape;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.data.Split;
import dev.topiary.engine.data.StreamingLoader;
import dev.topiary.engine.train.EpochData;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which dataset feeds a model and how: kind and location, optional sample limits (tiny slices for
 * tests and quick runs), batch size, size mode and augmentation. {@link #open} fits both splits to a
 * model input. The in-memory kinds are read once and normalised with the training split's own
 * statistics; {@code image-folder} always streams (a {@link StreamingLoader} per split: files
 * indexed up front, decoded on worker threads), normalised with {@link Streaming}'s mean and std.
 *
 * @param location null for Fashion-MNIST from Debian's package
 * @param trainLimit 0 for all training samples, else the first n (in file order)
 * @param testLimit 0 for all test samples, else the first n
 * @param streaming image-folder options (ignored by the other kinds)
 */
public record DataSpec(
    DatasetCatalog.Kind kind, Path location, int trainLimit, int testLimit, int batchSize,
    InputFit.SizeMode sizeMode, boolean augment, long seed, Streaming streaming) {

  public DataSpec {
    if (kind == null) {
      throw new IllegalArgumentException("dataset kind: required");
    }
    if (trainLimit < 0 || testLimit < 0) {
      throw new IllegalArgumentException("limits must be >= 0, got train " + trainLimit + ", test " + testLimit);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (streaming == null) {
      streaming = Streaming.DEFAULT;
    }
  }

  public DataSpec(DatasetCatalog.Kind kind, Path location, int trainLimit, int testLimit, int batchSize,
      InputFit.SizeMode sizeMode, boolean augment, long seed) {
    this(kind, location, trainLimit, testLimit, batchSize, sizeMode, augment, seed, Streaming.DEFAULT);
  }

  /** Fashion-MNIST from Debian's package, all samples, batch 128, padded, no augmentation. */
  public static DataSpec fashionMnist() {
    return new DataSpec(DatasetCatalog.Kind.FASHION_MNIST, null, 0, 0, 128, InputFit.SizeMode.PAD, false, 0);
  }

  public DataSpec withLimits(int train, int test) {
    return new DataSpec(kind, location, train, test, batchSize, sizeMode, augment, seed, streaming);
  }

  public DataSpec withBatchSize(int b) {
    return new DataSpec(kind, location, trainLimit, testLimit, b, sizeMode, augment, seed, streaming);
  }

  public DataSpec withAugment(boolean a) {
    return new DataSpec(kind, location, trainLimit, testLimit, batchSize, sizeMode, a, seed, streaming);
  }

  public DataSpec withStreaming(Streaming s) {
    return new DataSpec(kind, location, trainLimit, testLimit, batchSize, sizeMode, augment, seed, s);
  }

  /** Reads (or, for an image folder, indexes) and fits both splits to a model input [C, H, W]. */
  public Loaders open(int[] modelInput) {
    if (kind == DatasetCatalog.Kind.IMAGE_FOLDER) {
      return openFolder(modelInput);
    }
    ImageDataset train = limit(DatasetCatalog.open(kind, location, Split.TRAIN), trainLimit);
    ImageDataset test = limit(DatasetCatalog.open(kind, location, Split.TEST), testLimit);
    float[][] ms = InputFit.meanStd(train);
    DataLoader trainLoader = DataLoader.builder().setDataset(train).setBatchSize(batchSize)
        .optTransform(InputFit.pipeline(train.shape(), modelInput, sizeMode, augment, ms[0], ms[1]))
        .optShuffle(true).optSeed(seed).optPrefetch(true).build();
    DataLoader testLoader = DataLoader.builder().setDataset(test).setBatchSize(batchSize)
        .optTransform(InputFit.pipeline(test.shape(), modelInput, sizeMode, false, ms[0], ms[1]))
        .optShuffle(false).optSeed(seed).optPrefetch(true).build();
    return new Loaders(trainLoader, testLoader, train.numClasses());
  }

  private Loaders openFolder(int[] modelInput) {
    if (location == null) {
      throw new IllegalArgumentException("dataset location: required for kind " + kind.id());
    }
    if (modelInput.length != 3 || (modelInput[0] != 1 && modelInput[0] != 3)) {
      throw new InvalidDatasetException("model input " + Arrays.toString(modelInput)
          + " is not an image [C, H, W] with 1 or 3 channels");
    }
    ImageShape input = new ImageShape(modelInput[0], modelInput[1], modelInput[2]);
    ImageFolderIndex[] parts = ImageFolderIndex.trainAndHeldOut(location, streaming.valFraction(), seed);
    StreamingLoader train = folderLoader(parts[0].head(trainLimit), input, true);
    StreamingLoader test = folderLoader(parts[1].head(testLimit), input, false);
    return new Loaders(train, test, parts[0].numClasses());
  }

  private StreamingLoader folderLoader(ImageFolderIndex index, ImageShape input, boolean training) {
    StreamingLoader.Builder b = StreamingLoader.builder().setIndex(index).setInput(input).setBatchSize(batchSize)
        .optShuffle(training).optAugment(training && augment).optPad(sizeMode == InputFit.SizeMode.PAD)
        .optSeed(seed).optWorkers(streaming.workers()).optPrefetch(streaming.prefetch());
    if (streaming.mean() != null) {
      b.optNormalization(streaming.mean(), streaming.std());
    }
    return b.build();
  }

  private static ImageDataset limit(ImageDataset ds, int n) {
    return n == 0 || n >= ds.size() ? ds : ds.head(n);
  }

  /**
   * How an image folder streams.
   *
   * @param mean per model input channel in [0, 1] units; null for ImageNet's (see {@link
   *     StreamingLoader#defaultNormalization})
   * @param std as many values as {@code mean}; null exactly when {@code mean} is
   * @param valFraction held-out fraction of a single-folder dataset, in (0, 1); 0 for the default 0.1
   * @param workers decoding threads, >= 1
   * @param prefetch batches decoded ahead, >= 1 (lowered to keep them within 1 GiB)
   */
  public record Streaming(float[] mean, float[] std, double valFraction, int workers, int prefetch) {
    public static final Streaming DEFAULT = new Streaming(null, null, 0, 2, 4);

    public Streaming {
      if ((mean == null) != (std == null) || (mean != null && mean.length != std.length)) {
        throw new IllegalArgumentException("mean, std: give both, one value per channel each");
      }
      if (valFraction < 0 || valFraction >= 1) {
        throw new IllegalArgumentException("valFraction: must be in (0, 1), got " + valFraction);
      }
      if (workers < 1 || prefetch < 1) {
        throw new IllegalArgumentException("workers, prefetch: must be >= 1, got " + workers + ", " + prefetch);
      }
    }
  }

  /** The two batch sources of a fitted dataset. */
  public record Loaders(BatchSource train, BatchSource test, int numClasses) {
    public EpochData trainData() {
      return asEpochData(train);
    }

    public EpochData testData() {
      return asEpochData(test);
    }
  }

  /** Adapts a batch source to the training loop's batch source. */
  public static EpochData asEpochData(BatchSource loader) {
    return loader::epochAsLists;
  }
}
