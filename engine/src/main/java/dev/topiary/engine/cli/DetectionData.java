package dev.topiary.engine.cli;

import dev.topiary.engine.InvalidDatasetException;
import dev.topiary.engine.detect.CocoDataset;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionLoader;
import dev.topiary.engine.detect.YoloDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The detection datasets behind {@code --dataset yolo|coco}: a YOLO {@code data.yaml} (or the folder
 * holding it), or a COCO folder with {@code annotations/instances_<split>.json} and {@code
 * images/<split>/}, the layouts {@code detection-data} writes.
 */
final class DetectionData {
  static final String YOLO = "yolo";
  static final String COCO = "coco";

  private DetectionData() {}

  static boolean isDetection(String kind) {
    return YOLO.equals(kind) || COCO.equals(kind);
  }

  static DetectionDataset open(String kind, Path dir, String split) {
    if (dir == null) {
      throw new IllegalArgumentException("--data-dir: a " + kind + " dataset needs its folder (write one with `engine detection-data`)");
    }
    return switch (kind.toLowerCase(Locale.ROOT)) {
      case YOLO -> YoloDataset.open(Files.isDirectory(dir) ? dir.resolve("data.yaml") : dir, split);
      case COCO -> {
        Path json = dir.resolve("annotations").resolve("instances_" + split + ".json");
        if (!Files.isRegularFile(json)) {
          throw new InvalidDatasetException(json + ": no such file (a COCO dataset folder holds annotations/instances_" + split + ".json and images/" + split + "/)");
        }
        yield CocoDataset.open(json, dir.resolve("images").resolve(split));
      }
      default -> throw new IllegalArgumentException("--dataset: '" + kind + "' is not a detection dataset (yolo or coco)");
    };
  }

  static DetectionLoader loader(DetectionDataset data, int imageSize, int channels, int batch, boolean augment, long seed, int workers, int limit) {
    DetectionLoader.Builder b = DetectionLoader.builder().setDataset(data).setImageSize(imageSize).setBatchSize(batch)
        .optAugment(augment).optSeed(seed).optChannels(channels).optWorkers(workers);
    if (limit > 0) {
      b.optLimit(limit);
    }
    return b.build();
  }
}
