package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary versions of CIFAR-10 and CIFAR-100. A CIFAR-10 record is one label byte then
 * 3072 pixel bytes (the red, green and blue 32×32 planes in turn, which is already CHW order); a
 * CIFAR-100 record is a coarse label byte, a fine label byte, then the same 3072 bytes. CIFAR-100
 * datasets use the fine labels (100 classes). Several batch files are concatenated, in the order
 * given, into one dataset whose pixel array is allocated once from the file sizes.
 */
public final class CifarReader {
  /** CIFAR-10 class names, indexed by label. */
  public static final List<String> CIFAR10_CLASSES =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer",
          "dog", "frog", "horse", "ship", "truck");

  private static final int SIDE = 32;
  private static final int PIXELS = 3 * SIDE * SIDE;
  private static final int CIFAR100_COARSE_CLASSES = 20;

  private CifarReader() {}

  /** Reads {@code data_batch_1.bin} … {@code data_batch_5.bin} (TRAIN) or {@code test_batch.bin}. */
  public static ImageDataset readCifar10(Path dir, Split split) {
    requireDirectory(dir);
    List<Path> files = new ArrayList<>();
    if (split == Split.TRAIN) {
      for (int b = 1; b <= 5; b++) {
        files.add(dir.resolve("data_batch_" + b + ".bin"));
      }
    } else {
      files.add(dir.resolve("test_batch.bin"));
    }
    return readCifar10(files);
  }

  /** Reads CIFAR-10 batch files, concatenated in the order given. */
  public static ImageDataset readCifar10(List<Path> batchFiles) {
    return read(batchFiles, 1, 10, CIFAR10_CLASSES);
  }

  /**
   * Reads {@code train.bin} or {@code test.bin}; class names come from {@code
   * fine_label_names.txt} when the directory has it, otherwise the dataset has none.
   */
  public static ImageDataset readCifar100(Path dir, Split split) {
    requireDirectory(dir);
    Path file = dir.resolve(split == Split.TRAIN ? "train.bin" : "test.bin");
    Path names = dir.resolve("fine_label_names.txt");
    List<String> classNames = Files.isRegularFile(names) ? readNames(names, 100) : List.of();
    return read(List.of(file), 2, 100, classNames);
  }

  /** Reads CIFAR-100 batch files (fine labels), concatenated in the order given. */
  public static ImageDataset readCifar100(List<Path> batchFiles) {
    return read(batchFiles, 2, 100, List.of());
  }

  private static ImageDataset read(
      List<Path> files, int labelBytes, int numClasses, List<String> classNames) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("batchFiles: at least one file is required");
    }
    int recordSize = labelBytes + PIXELS;
    long[] counts = new long[files.size()];
    long total = 0;
    for (int f = 0; f < counts.length; f++) {
      counts[f] = countRecords(files.get(f), recordSize);
      total += counts[f];
    }
    if (total * PIXELS > Integer.MAX_VALUE - 8) {
      throw new InvalidDatasetException(
          files + ": " + total + " images exceed the 2 GiB a dataset may hold");
    }
    byte[] pixels = new byte[(int) total * PIXELS];
    int[] labels = new int[(int) total];
    int next = 0;
    for (int f = 0; f < counts.length; f++) {
      readRecords(files.get(f), (int) counts[f], labelBytes, numClasses, pixels, labels, next);
      next += (int) counts[f];
    }
    return ImageDataset.builder()
        .setPixels(pixels)
        .setLabels(labels)
        .setShape(3, SIDE, SIDE)
        .setNumClasses(numClasses)
        .optClassNames(classNames)
        .build();
  }

  private static long countRecords(Path file, int recordSize) {
    DatasetFiles.requireFile(file);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw DatasetFiles.failure(file, e);
    }
    if (size == 0 || size % recordSize != 0) {
      throw new InvalidDatasetException(
          file + ": size " + size + " is not a positive multiple of the " + recordSize
              + "-byte record (label byte(s) + 3072 pixel bytes)");
    }
    return size / recordSize;
  }

  /** Reads {@code count} records of {@code file} into the arrays from sample {@code first}. */
  private static void readRecords(
      Path file, int count, int labelBytes, int numClasses, byte[] pixels, int[] labels, int first) {
    byte[] label = new byte[labelBytes];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      for (int r = 0; r < count; r++) {
        DatasetFiles.readFully(in, label, 0, labelBytes, file, "label of record " + r);
        if (labelBytes == 2 && (label[0] & 0xFF) >= CIFAR100_COARSE_CLASSES) {
          throw badLabel(file, r, "coarse label", label[0] & 0xFF, CIFAR100_COARSE_CLASSES);
        }
        int value = label[labelBytes - 1] & 0xFF;
        if (value >= numClasses) {
          throw badLabel(file, r, labelBytes == 2 ? "fine label" : "label", value, numClasses);
        }
        labels[first + r] = value;
        DatasetFiles.readFully(in, pixels, (first + r) * PIXELS, PIXELS, file, "pixels of record " + r);
      }
    } catch (IOException e) {
      throw DatasetFiles.failure(file, e);
    }
  }

  private static InvalidDatasetException badLabel(
      Path file, int record, String what, int value, int limit) {
    return new InvalidDatasetException(
        file + ": " + what + " " + value + " of record " + record + " is outside [0, " + limit + ")");
  }

  private static List<String> readNames(Path file, int expected) {
    List<String> names = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          names.add(line.strip());
        }
      }
    } catch (IOException e) {
      throw DatasetFiles.failure(file, e);
    }
    if (names.size() != expected) {
      throw new InvalidDatasetException(
          file + ": expected " + expected + " class names, found " + names.size());
    }
    return names;
  }

  private static void requireDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidDatasetException(dir + ": dataset directory not found");
    }
  }
}
