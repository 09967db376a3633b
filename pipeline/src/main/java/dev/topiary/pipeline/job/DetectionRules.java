package dev.topiary.pipeline.job;

import java.util.List;

/**
 * The rules of {@code task: detection} that need no graph: the dataset's kinds ({@code yolo},
 * {@code coco}, {@code generated}) and their fields, and what the pruning side supports for
 * detectors today: channel pruning, by every criterion (hrank, apoz and taylor score on the
 * detection data, taylor through YOLOv5's loss). The graph's side (a Detect head, a square input,
 * the classes against a generated dataset's) is in {@link GraphChecks}; sensitivity, which measures
 * top-1, is refused in {@link JobSpecValidator}.
 */
final class DetectionRules {
  private static final List<String> GENERATED_FIELDS = List.of("train", "val", "size", "seed", "maxObjects");

  private DetectionRules() {}

  static void task(String task, Problems p) {
    if (task != null && !JobSpec.TASKS.contains(task)) {
      p.add("task", "expected classification or detection, got '" + task + "'");
    }
  }

  /** A detection job's dataset. */
  static void dataset(DatasetSpec d, Problems p) {
    if (d.kind() == null) {
      p.add("dataset.kind", "required; for task detection one of " + String.join(", ", DatasetSpec.DETECTION_KINDS));
      return;
    }
    if (!d.detectionKind()) {
      p.add("dataset.kind", "'" + d.kind() + "' is not a detection dataset; task detection takes " + String.join(", ", DatasetSpec.DETECTION_KINDS));
      return;
    }
    boolean generated = DatasetSpec.GENERATED.equals(d.kind());
    if (generated && d.uri() != null) {
      p.add("dataset.uri", "not used by kind generated: each stage generates the scenes itself; remove it");
    } else if (!generated && d.uri() == null) {
      p.add("dataset.uri", "required for kind " + d.kind() + ": " + (DatasetSpec.YOLO.equals(d.kind())
          ? "a folder holding data.yaml (an absolute path or s3://bucket/prefix of an upload)"
          : "a folder with annotations/instances_{train,val}.json and images/{train,val}/"));
    }
    Object[] options = {d.mean(), d.std(), d.valFraction(), d.workers(), d.prefetch()};
    String[] names = {"mean", "std", "valFraction", "workers", "prefetch"};
    for (int i = 0; i < options.length; i++) {
      if (options[i] != null) {
        p.add("dataset." + names[i], "applies to kind image-folder only, not " + d.kind());
      }
    }
    if (!"pad".equals(d.fit())) {
      p.add("dataset.fit", "not used by detection: pictures are letterboxed to the model's input, keeping their aspect ratio");
    }
    if (d.mosaic() != null) {
      if (!(d.mosaic() >= 0 && d.mosaic() <= 1)) {
        p.add("dataset.mosaic", "a share of the training pictures, in [0, 1], got " + d.mosaic());
      } else if (!d.augment() && d.mosaic() > 0) {
        p.add("dataset.mosaic", "applies with augment: true only (a mosaic is a training augmentation)");
      }
    }
    if (generated) {
      generated(d, p);
    } else {
      notGenerated(d, p);
    }
  }

  private static void generated(DatasetSpec d, Problems p) {
    required(d.train(), "dataset.train", "the number of training scenes, e.g. 200", p);
    required(d.val(), "dataset.val", "the number of validation scenes, e.g. 50", p);
    required(d.size(), "dataset.size", "the scenes' side in pixels, e.g. 64 (the model's input side)", p);
    if (d.train() != null) {
      Checks.atLeast(d.train(), 1, "dataset.train", p);
    }
    if (d.val() != null) {
      Checks.atLeast(d.val(), 1, "dataset.val", p);
    }
    if (d.size() != null) {
      Checks.atLeast(d.size(), 32, "dataset.size", p);
    }
    if (d.maxObjects() != null && (d.maxObjects() < 1 || d.maxObjects() > DatasetSpec.MAX_OBJECTS)) {
      p.add("dataset.maxObjects", "must be in [1, " + DatasetSpec.MAX_OBJECTS + "], got " + d.maxObjects());
    }
  }

  private static void required(Integer v, String path, String what, Problems p) {
    if (v == null) {
      p.add(path, "required for kind generated: " + what);
    }
  }

  /** Generated-scene fields on any other dataset. */
  static void notGenerated(DatasetSpec d, Problems p) {
    Object[] values = {d.train(), d.val(), d.size(), d.seed(), d.maxObjects()};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        p.add("dataset." + GENERATED_FIELDS.get(i), "applies to kind generated only, not " + d.kind());
      }
    }
  }

  /** What the pruning side supports for detectors. */
  static void prune(PruneSpec prune, Problems p) {
    if (prune == null) {
      return;
    }
    if (prune.granularity() != null && prune.granularity() != Granularity.CHANNEL) {
      p.add("prune.granularity", "detection jobs prune channels only; " + prune.granularity().id()
          + " masks need a mask-keeping detector fine-tune, which is not supported yet");
    }
  }
}
