package dev.topiary.engine.workflow;

import dev.topiary.engine.data.DataLoader;
import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.data.InputFit;
import dev.topiary.engine.data.Split;
import dev.topiary.engine.train.EpochData;
import java.nio.file.Path;

/**
 * Which dataset feeds a model and how: kind and location, optional sample limits (tiny slices for
 * tests and quick runs), batch size, size mode and augmentation. {@link #open} reads both splits
 * once and fits them to a model input, normalising with the training split's own statistics.
 *
 * @param location null for Fashion-MNIST from Debian's package
 * @param trainLimit 0 for all training samples, else the first n (in file order)
 * @param testLimit 0 for all test samples, else the first n
 */
public record DataSpec(
    DatasetCatalog.Kind kind, Path location, int trainLimit, int testLimit, int batchSize,
    InputFit.SizeMode sizeMode, boolean augment, long seed) {

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
  }

  /** Fashion-MNIST from Debian's package, all samples, batch 128, padded, no augmentation. */
  public static DataSpec fashionMnist() {
    return new DataSpec(DatasetCatalog.Kind.FASHION_MNIST, null, 0, 0, 128, InputFit.SizeMode.PAD, false, 0);
  }

  public DataSpec withLimits(int train, int test) {
    return new DataSpec(kind, location, train, test, batchSize, sizeMode, augment, seed);
  }

  public DataSpec withBatchSize(int b) {
    return new DataSpec(kind, location, trainLimit, testLimit, b, sizeMode, augment, seed);
  }

  public DataSpec withAugment(boolean a) {
    return new DataSpec(kind, location, trainLimit, testLimit, batchSize, sizeMode, a, seed);
  }

  /** Reads and fits both splits to a model input [C, H, W]. */
  public Loaders open(int[] modelInput) {
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

  private static ImageDataset limit(ImageDataset ds, int n) {
    return n == 0 || n >= ds.size() ? ds : ds.head(n);
  }

  /** The two loaders of a fitted dataset. */
  public record Loaders(DataLoader train, DataLoader test, int numClasses) {
    public EpochData trainData() {
      return asEpochData(train);
    }

    public EpochData testData() {
      return asEpochData(test);
    }
  }

  /** Adapts a loader to the training loop's batch source. */
  public static EpochData asEpochData(DataLoader loader) {
    return loader::epochAsLists;
  }
}
