package dev.topiary.pipeline.event;

import java.util.List;

/**
 * A detector's evaluation in {@link ModelEvaluated#detection}: YOLOv5 val's figures on the val split
 * (NMS at conf 0.001, IoU 0.6, 300 per image; COCO's 101-point interpolation), per class, the
 * precision-recall curve at IoU 0.5, and, in a network-slimming job, the |gamma| histogram of the
 * model's BatchNorm channels.
 *
 * @param precision at the confidence of the best mean F1 (YOLOv5's {@code P})
 * @param recall at that confidence ({@code R})
 * @param map50 mAP at IoU 0.5
 * @param map5095 mAP over IoU 0.5:0.95
 * @param classes one entry per class of the head, in class order
 * @param prCurve50 mean precision over the classes at recall 0, 0.01, ..., 1 (101 points), IoU 0.5
 * @param gamma the |gamma| histogram; null outside network slimming
 */
public record DetectionFigures(double precision, double recall, double map50, double map5095, List<ClassAp> classes,
    List<Double> prCurve50, @Nullable GammaBins gamma) {
  /** Points of the PR curve: COCO's recall grid. */
  public static final int PR_POINTS = 101;

  public DetectionFigures {
    Checks.fraction(precision, "precision");
    Checks.fraction(recall, "recall");
    Checks.fraction(map50, "map50");
    Checks.fraction(map5095, "map5095");
    classes = Checks.list(classes, "classes");
    prCurve50 = Checks.list(prCurve50, "prCurve50");
    if (prCurve50.size() != PR_POINTS) {
      throw new IllegalArgumentException("prCurve50: expected " + PR_POINTS + " points (recall 0 to 1 by 0.01), got " + prCurve50.size());
    }
    for (int i = 0; i < prCurve50.size(); i++) {
      Checks.fraction(prCurve50.get(i), "prCurve50[" + i + "]");
    }
  }

  /**
   * One class: its name (from the model's graph metadata), its labelled objects in the val split,
   * and its AP at IoU 0.5 and over 0.5:0.95 (0 for a class without objects, as YOLOv5 prints it).
   */
  public record ClassAp(String name, int targets, double ap50, double ap) {
    public ClassAp {
      Checks.text(name, "name");
      if (targets < 0) {
        throw new IllegalArgumentException("targets: must be >= 0, got " + targets);
      }
      Checks.fraction(ap50, "ap50");
      Checks.fraction(ap, "ap");
    }
  }

  /**
   * |gamma| of the BatchNorm channels as histograms on shared bins: {@code counts.size()} equal bins
   * over {@code [0, max]}, values at or above max in the last. After sparsity training it holds two
   * series, the model before (the step's input) and after; otherwise the evaluated model's alone.
   *
   * @param threshold the global |gamma| threshold the job's {@code percent} gives on the last series; null when not slimming
   */
  public record GammaBins(double max, @Nullable Double threshold, List<Series> series) {
    public GammaBins {
      if (!(max > 0 && Double.isFinite(max))) {
        throw new IllegalArgumentException("max: must be > 0, got " + max);
      }
      series = Checks.list(series, "series");
      if (series.isEmpty()) {
        throw new IllegalArgumentException("series: at least one");
      }
    }

    /** One model's histogram: a label (before, after), its channel count, and the counts per bin. */
    public record Series(String label, int channels, List<Integer> counts) {
      public Series {
        Checks.text(label, "label");
        counts = Checks.list(counts, "counts");
        if (counts.isEmpty() || counts.stream().mapToInt(Integer::intValue).sum() != channels) {
          throw new IllegalArgumentException("counts: must be non-empty and sum to channels (" + channels + "), got " + counts.stream().mapToInt(Integer::intValue).sum());
        }
      }
    }
  }
}
