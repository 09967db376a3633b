package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: an images file (magic {@code 0x00000803},
 * unsigned bytes, dimensions N, H, W big-endian) and a labels file (magic {@code 0x00000801},
 * dimension N), either raw or gzipped. Gzip is recognised by its magic bytes, not by the file name.
 * Pixels are read once, straight into the dataset's byte array.
 */
public final class IdxReader {
  /** Fashion-MNIST class names, indexed by label. */
  public static final List<String> FASHION_MNIST_CLASSES =
      List.of(
          "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** MNIST class names: the digits. */
  public static final List<String> MNIST_CLASSES =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

  static final int IMAGES_MAGIC = 0x00000803;
  static final int LABELS_MAGIC = 0x00000801;
  private static final int MAX_BYTES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /** Reads the Fashion-MNIST split in {@code dir} (standard file names, with or without .gz). */
  public static ImageDataset readFashionMnist(Path dir, Split split) {
    return readDirectory(dir, split, FASHION_MNIST_CLASSES);
  }

  /** Reads the MNIST split in {@code dir} (standard file names, with or without .gz). */
  public static ImageDataset readMnist(Path dir, Split split) {
    return readDirectory(dir, split, MNIST_CLASSES);
  }

  /**
   * Reads {@code train-images-idx3-ubyte} / {@code train-labels-idx1-ubyte} (TRAIN) or the {@code
   * t10k-} pair (TEST) from {@code dir}, each with or without a {@code .gz} suffix. With {@code
   * classNames} null (a generic IDX dataset) the classes are unnamed and counted from the labels:
   * the largest label plus one.
   */
  public static ImageDataset readDirectory(Path dir, Split split, List<String> classNames) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidDatasetException(dir + ": dataset directory not found");
    }
    String prefix = split == Split.TRAIN ? "train" : "t10k";
    Path images = find(dir, prefix + "-images-idx3-ubyte");
    Path labels = find(dir, prefix + "-labels-idx1-ubyte");
    if (classNames == null) {
      int numClasses = Arrays.stream(readLabels(labels)).max().orElse(0) + 1;
      return read(images, labels, numClasses, List.of());
    }
    return read(images, labels, classNames.size(), classNames);
  }

  /** Reads an images file and a labels file whose labels lie in {@code [0, numClasses)}. */
  public static ImageDataset read(Path images, Path labels, int numClasses) {
    return read(images, labels, numClasses, List.of());
  }

  /**
   * Reads an images file and a labels file. Fails with {@link InvalidDatasetException} naming the
   * file when either is missing, truncated, has a wrong magic number or trailing bytes, when their
   * sample counts differ, or when a label is outside {@code [0, numClasses)}.
   */
  public static ImageDataset read(
      Path images, Path labels, int numClasses, List<String> classNames) {
    if (numClasses <= 0) {
      throw new IllegalArgumentException("numClasses: must be positive, got " + numClasses);
    }
    int[] shape = new int[3];
    byte[] pixels = readImages(images, shape);
    int[] labelValues = readLabels(labels);
    if (labelValues.length != shape[0]) {
      throw new InvalidDatasetException(
          labels + ": holds " + labelValues.length + " labels but " + images + " holds "
              + shape[0] + " images");
    }
    for (int i = 0; i < labelValues.length; i++) {
      if (labelValues[i] >= numClasses) {
        throw new InvalidDatasetException(
            labels + ": label " + labelValues[i] + " of sample " + i + " is outside [0, "
                + numClasses + ")");
      }
    }
    return ImageDataset.builder()
        .setPixels(pixels)
        .setLabels(labelValues)
        .setShape(1, shape[1], shape[2])
        .setNumClasses(numClasses)
        .optClassNames(classNames)
        .build();
  }

  private static Path find(Path dir, String base) {
    Path raw = dir.resolve(base);
    if (Files.isRegularFile(raw)) {
      return raw;
    }
    Path gz = dir.resolve(base + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    throw new InvalidDatasetException(
        dir + ": neither " + base + " nor " + base + ".gz found");
  }

  /** Returns the pixels and fills {@code shape} with N, H, W. */
  private static byte[] readImages(Path file, int[] shape) {
    try (InputStream in = DatasetFiles.open(file)) {
      checkMagic(file, DatasetFiles.readInt(in, file, "magic number"), IMAGES_MAGIC, "images");
      int n = readDim(in, file, "image count", 0);
      int h = readDim(in, file, "rows", 1);
      int w = readDim(in, file, "columns", 1);
      long bytes = (long) n * h * w;
      if (bytes > MAX_BYTES) {
        throw new InvalidDatasetException(
            file + ": " + n + " images of " + h + "x" + w + " exceed the 2 GiB a dataset may hold");
      }
      checkRawSize(file, 16 + bytes);
      byte[] pixels = new byte[(int) bytes];
      DatasetFiles.readFully(in, pixels, 0, pixels.length, file, "pixels of " + n + " images");
      requireEnd(in, file);
      shape[0] = n;
      shape[1] = h;
      shape[2] = w;
      return pixels;
    } catch (IOException e) {
      throw DatasetFiles.failure(file, e);
    }
  }

  private static int[] readLabels(Path file) {
    try (InputStream in = DatasetFiles.open(file)) {
      checkMagic(file, DatasetFiles.readInt(in, file, "magic number"), LABELS_MAGIC, "labels");
      int n = readDim(in, file, "label count", 0);
      checkRawSize(file, 8L + n);
      byte[] raw = new byte[n];
      DatasetFiles.readFully(in, raw, 0, n, file, n + " labels");
      requireEnd(in, file);
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = raw[i] & 0xFF;
      }
      return labels;
    } catch (IOException e) {
      throw DatasetFiles.failure(file, e);
    }
  }

  private static void checkMagic(Path file, int magic, int expected, String kind) {
    if (magic != expected) {
      throw new InvalidDatasetException(
          String.format(
              "%s: bad magic number 0x%08x, expected 0x%08x for IDX %s", file, magic, expected, kind));
    }
  }

  private static int readDim(InputStream in, Path file, String what, int min) throws IOException {
    int d = DatasetFiles.readInt(in, file, what);
    if (d < min) {
      throw new InvalidDatasetException(file + ": invalid " + what + " " + d + " in header");
    }
    return d;
  }

  /** For uncompressed files, checks the size before allocating so a lying header fails fast. */
  private static void checkRawSize(Path file, long expected) throws IOException {
    if (!DatasetFiles.isGzip(file)) {
      long actual = Files.size(file);
      if (actual < expected) {
        throw new InvalidDatasetException(
            file + ": truncated: header promises " + expected + " bytes, file has " + actual);
      }
    }
  }

  private static void requireEnd(InputStream in, Path file) throws IOException {
    if (in.read() != -1) {
      throw new InvalidDatasetException(file + ": unexpected bytes after the data its header describes");
    }
  }
}
