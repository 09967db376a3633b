package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidDatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The two on-disk layouts of a detection dataset folder, as {@link DetectionScenes} writes them and
 * as the CLI and the pipeline's stages read them: {@code yolo}, a folder holding {@code data.yaml}
 * (or the yaml itself), and {@code coco}, a folder with {@code annotations/instances_<split>.json}
 * and {@code images/<split>/}. Stateless.
 */
public final class DetectionFolders {
  public static final String YOLO = "yolo";
  public static final String COCO = "coco";
  /** The layouts by name. */
  public static final List<String> FORMATS = List.of(YOLO, COCO);

  private DetectionFolders() {}

  /**
   * One split of the dataset in {@code dir}, validated as its reader validates it.
   *
   * @param format {@value #YOLO} or {@value #COCO}
   * @param split {@code train} or {@code val}
   * @throws InvalidDatasetException naming the file (and line) at fault
   * @throws IllegalArgumentException for an unknown format
   */
  public static DetectionDataset open(String format, Path dir, String split) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case YOLO -> YoloDataset.open(Files.isDirectory(dir) ? dir.resolve("data.yaml") : dir, split);
      case COCO -> {
        Path json = dir.resolve("annotations").resolve("instances_" + split + ".json");
        if (!Files.isRegularFile(json)) {
          throw new InvalidDatasetException(json + ": no such file (a COCO dataset folder holds annotations/instances_" + split
              + ".json and images/" + split + "/)");
        }
        yield CocoDataset.open(json, dir.resolve("images").resolve(split));
      }
      default -> throw new IllegalArgumentException("format: '" + format + "' is not a detection layout (yolo or coco)");
    };
  }

  /** A loader over {@code data}: letterboxed to {@code imageSize}, the first {@code limit} pictures (0: all). */
  public static DetectionLoader loader(DetectionDataset data, int imageSize, int channels, int batch, boolean augment, long seed,
      int workers, int limit) {
    return loader(data, imageSize, channels, batch, augment, 0, seed, workers, limit);
  }

  /** As {@link #loader(DetectionDataset, int, int, int, boolean, long, int, int)}, with a share of mosaics among augmented pictures. */
  public static DetectionLoader loader(DetectionDataset data, int imageSize, int channels, int batch, boolean augment, double mosaic,
      long seed, int workers, int limit) {
    DetectionLoader.Builder b = DetectionLoader.builder().setDataset(data).setImageSize(imageSize).setBatchSize(batch)
        .optAugment(augment).optMosaic(mosaic).optSeed(seed).optChannels(channels).optWorkers(workers);
    if (limit > 0) {
      b.optLimit(limit);
    }
    return b.build();
  }
}
