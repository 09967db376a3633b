package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Opens a dataset by kind and location, the way job specs and the CLI name them: {@code
 * fashion-mnist}, {@code mnist}, {@code cifar10}, {@code cifar100}, {@code image-folder} (a root
 * with {@code train/} and {@code test/} folders of class folders) and {@code idx} (a folder of
 * IDX files with the MNIST file names).
 */
public final class DatasetCatalog {
  /** Where Debian's {@code dataset-fashion-mnist} package installs Fashion-MNIST. */
  public static final Path FASHION_MNIST_DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");

  /** Dataset kinds and their readers. */
  public enum Kind {
    FASHION_MNIST("fashion-mnist"),
    MNIST("mnist"),
    CIFAR10("cifar10"),
    CIFAR100("cifar100"),
    IMAGE_FOLDER("image-folder"),
    IDX("idx");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    /** Parses a kind name; the error lists the known ones. */
    public static Kind of(String name) {
      for (Kind k : values()) {
        if (k.id.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("dataset kind: unknown '" + name + "', expected one of "
          + Arrays.stream(values()).map(Kind::id).toList());
    }
  }

  private DatasetCatalog() {}

  /**
   * Reads one split. {@code location} may be null for Fashion-MNIST, which then comes from
   * {@link #FASHION_MNIST_DEBIAN}.
   */
  public static ImageDataset open(Kind kind, Path location, Split split) {
    Path dir = location != null ? location : defaultLocation(kind);
    if (!Files.isDirectory(dir)) {
      String hint = kind == Kind.FASHION_MNIST && location == null
          ? " (install Debian's dataset-fashion-mnist: apt-get install dataset-fashion-mnist)" : "";
      throw new InvalidDatasetException(dir + ": " + kind.id() + " dataset folder not found" + hint);
    }
    return switch (kind) {
      case FASHION_MNIST -> IdxReader.readFashionMnist(dir, split);
      case MNIST -> IdxReader.readMnist(dir, split);
      case IDX -> IdxReader.readDirectory(dir, split, null);
      case CIFAR10 -> CifarReader.readCifar10(dir, split);
      case CIFAR100 -> CifarReader.readCifar100(dir, split);
      case IMAGE_FOLDER -> ImageFolderReader.read(dir.resolve(split == Split.TRAIN ? "train" : "test"));
    };
  }

  private static Path defaultLocation(Kind kind) {
    if (kind == Kind.FASHION_MNIST) {
      return FASHION_MNIST_DEBIAN;
    }
    throw new IllegalArgumentException("dataset location: required for kind " + kind.id());
  }
}
