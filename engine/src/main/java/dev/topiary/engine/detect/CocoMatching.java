package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * COCOeval's per image and class step ({@code evaluateImg} for area 'all', no crowd boxes): the
 * detections sorted by score (stable), cut to {@code maxDets}, then at each IoU threshold matched
 * greedily, best score first, to the unmatched ground truth of highest IoU (at least the threshold; of
 * equal IoUs, the later ground truth, as COCOeval's loop keeps replacing on {@code >=}).
 */
final class CocoMatching {
  /** COCOeval's {@code iouThrs}: {@code np.linspace(.5, .95, 10)}, computed as numpy does, to the bit. */
  static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
  /** COCOeval's {@code recThrs}: {@code np.linspace(0, 1, 101)}. */
  static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);

  private CocoMatching() {}

  /**
   * Matches one image's detections of one class to its ground truths of that class. Returns the
   * detections kept (sorted, at most {@code maxDets}) and, per detection, a bit mask of the IoU
   * thresholds (bit {@code t} for {@code IOU_THRESHOLDS[t]}) at which it is a true positive.
   */
  static Matched match(List<Detection> detections, List<GroundTruth> truths, int maxDets) {
    List<Detection> sorted = new ArrayList<>(detections);
    sorted.sort(Comparator.comparingDouble(Detection::conf).reversed()); // List.sort is stable
    if (sorted.size() > maxDets) {
      sorted = sorted.subList(0, maxDets);
    }
    int[] masks = new int[sorted.size()];
    if (truths.isEmpty() || sorted.isEmpty()) {
      return new Matched(sorted, masks);
    }
    double[][] ious = new double[sorted.size()][truths.size()];
    for (int d = 0; d < ious.length; d++) {
      Detection det = sorted.get(d);
      for (int g = 0; g < truths.size(); g++) {
        GroundTruth gt = truths.get(g);
        ious[d][g] = BoxOps.iouCoco(det.x1(), det.y1(), (double) det.x2() - det.x1(), (double) det.y2() - det.y1(),
            gt.x1(), gt.y1(), (double) gt.x2() - gt.x1(), (double) gt.y2() - gt.y1());
      }
    }
    for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
      boolean[] taken = new boolean[truths.size()];
      for (int d = 0; d < ious.length; d++) {
        double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
        int match = -1;
        for (int g = 0; g < taken.length; g++) {
          if (!taken[g] && ious[d][g] >= best) {
            best = ious[d][g];
            match = g;
          }
        }
        if (match >= 0) {
          taken[match] = true;
          masks[d] |= 1 << t;
        }
      }
    }
    return new Matched(sorted, masks);
  }

  /** numpy's {@code linspace(start, stop, num)}: {@code i * step + start}, the last value {@code stop}. */
  static double[] linspace(double start, double stop, int num) {
    double step = (stop - start) / (num - 1);
    double[] v = new double[num];
    for (int i = 0; i < num; i++) {
      v[i] = i * step + start;
    }
    v[num - 1] = stop;
    return v;
  }

  /** The detections kept for one image and class, best first, and their true-positive masks. */
  record Matched(List<Detection> detections, int[] masks) {}
}
