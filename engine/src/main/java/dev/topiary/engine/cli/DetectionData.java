package dev.topiary.engine.cli;

import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionFolders;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The detection datasets behind {@code --dataset yolo|coco}: a YOLO {@code data.yaml} (or the folder
 * holding it), or a COCO folder with {@code annotations/instances_<split>.json} and {@code
 * images/<split>/}, the layouts {@code detection-data} writes.
 */
final class DetectionData {
  static final String YOLO = DetectionFolders.YOLO;
  static final String COCO = DetectionFolders.COCO;

  private DetectionData() {}

  static boolean isDetection(String kind) {
    return YOLO.equals(kind) || COCO.equals(kind);
  }

  static DetectionDataset open(String kind, Path dir, String split) {
    if (dir == null) {
      throw new IllegalArgumentException("--data-dir: a " + kind + " dataset needs its folder (write one with `engine detection-data`)");
    }
    if (!isDetection(kind.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("--dataset: '" + kind + "' is not a detection dataset (yolo or coco)");
    }
    return DetectionFolders.open(kind, dir, split);
  }
}
