package dev.topiary.engine.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Detection metrics over a validation set, accumulated one image at a time: COCO's AP (pycocotools'
 * {@code COCOeval.evaluate} + {@code accumulate}, area 'all', bbox, no crowd boxes) and YOLOv5's
 * precision and recall.
 *
 * <p>Lifecycle: {@link #add} each image's predictions and ground truth, in a fixed image order, then
 * {@link #result()} (which may be called at any point and does not reset). Not thread-safe.
 *
 * <p>AP, as COCOeval: per image and class the detections are sorted by score (stable) and cut to
 * {@code maxDets} (COCOeval applies its per-image limit per image <em>and class</em>), then matched
 * greedily at each IoU threshold 0.50:0.05:0.95 ({@link CocoMatching}); per class all images'
 * detections are sorted by score (stable, so ties keep image order, then per-image order), precision
 * is made monotone and read at 101 recall points, and AP is their mean. A class without ground truth
 * has no AP (NaN here, -1 in COCOeval) and is left out of the means, even if it was predicted.
 *
 * <p>Precision and recall, as YOLOv5's {@code ap_per_class}: per class with ground truth, precision
 * and recall at IoU 0.5 against a 1000-point confidence grid; the reported figures are the means over
 * those classes at the grid point where the smoothed mean F1 is highest. They use COCOeval's matching
 * above, where YOLOv5's val.py has a matcher of its own (see bench/detect/check_metrics.py).
 */
public final class DetectionMetrics {
  private static final int IOU_50 = 0;

  private final int numClasses;
  private final int maxDets;
  private final ClassRecords[] records;
  private final int[] targets;
  private int images;

  /** Metrics with COCOeval's default limit of 100 detections per image and class. */
  public DetectionMetrics(int numClasses) {
    this(numClasses, 100);
  }

  public DetectionMetrics(int numClasses, int maxDets) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses: must be at least 1, got " + numClasses);
    }
    if (maxDets < 1) {
      throw new IllegalArgumentException("maxDets: must be at least 1, got " + maxDets);
    }
    this.numClasses = numClasses;
    this.maxDets = maxDets;
    this.records = new ClassRecords[numClasses];
    Arrays.setAll(records, c -> new ClassRecords());
    this.targets = new int[numClasses];
  }

  /** Adds one image: its predictions (any order; ties keep this order) and its ground truth. */
  public void add(List<Detection> predictions, List<GroundTruth> truths) {
    List<List<Detection>> predsByClass = new ArrayList<>();
    List<List<GroundTruth>> truthsByClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      predsByClass.add(new ArrayList<>());
      truthsByClass.add(new ArrayList<>());
    }
    for (Detection d : predictions) {
      checkClass("prediction", d.cls());
      predsByClass.get(d.cls()).add(d);
    }
    for (GroundTruth g : truths) {
      checkClass("ground truth", g.cls());
      truthsByClass.get(g.cls()).add(g);
    }
    for (int c = 0; c < numClasses; c++) {
      targets[c] += truthsByClass.get(c).size();
      CocoMatching.Matched m = CocoMatching.match(predsByClass.get(c), truthsByClass.get(c), maxDets);
      for (int d = 0; d < m.masks().length; d++) {
        records[c].add(m.detections().get(d).conf(), m.masks()[d]);
      }
    }
    images++;
  }

  private void checkClass(String what, int cls) {
    if (cls < 0 || cls >= numClasses) {
      throw new IllegalArgumentException(what + ": class " + cls + " is outside [0, " + numClasses + ")");
    }
  }

  /** The metrics of everything added so far. */
  public Result result() {
    int t = CocoMatching.IOU_THRESHOLDS.length;
    double[] ap50 = new double[numClasses];
    double[] ap = new double[numClasses];
    double[][] curves = new double[numClasses][];
    double[][][] pr = new double[numClasses][][];
    Arrays.fill(ap50, Double.NaN);
    Arrays.fill(ap, Double.NaN);
    for (int c = 0; c < numClasses; c++) {
      if (targets[c] == 0) {
        continue;
      }
      ClassRecords r = records[c].sortedByScore();
      double sum = 0;
      for (int k = 0; k < t; k++) {
        double[] q = PrecisionRecall.interpolated(r.truePositives(k), targets[c]);
        if (k == IOU_50) {
          curves[c] = q;
          ap50[c] = PrecisionRecall.mean(q);
        }
        sum += PrecisionRecall.mean(q);
      }
      ap[c] = sum / t;
      if (r.size > 0) {
        pr[c] = PrecisionRecall.againstConfidence(Arrays.copyOf(r.scores, r.size), r.truePositives(IOU_50), targets[c]);
      }
    }
    return new Result(images, targets.clone(), ap50, ap, curves, F1Point.of(pr, targets));
  }

  /** One class's detections in the order added (image order, per image best first), as parallel arrays. */
  private static final class ClassRecords {
    private float[] scores = new float[16];
    private int[] masks = new int[16];
    private int size;

    void add(float score, int mask) {
      if (size == scores.length) {
        scores = Arrays.copyOf(scores, 2 * size);
        masks = Arrays.copyOf(masks, 2 * size);
      }
      scores[size] = score;
      masks[size++] = mask;
    }

    /** A copy sorted by score, descending, stable (COCOeval's {@code argsort(-scores, kind='mergesort')}). */
    ClassRecords sortedByScore() {
      Integer[] order = new Integer[size];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
      ClassRecords sorted = new ClassRecords();
      sorted.scores = new float[Math.max(size, 1)];
      sorted.masks = new int[Math.max(size, 1)];
      for (int i = 0; i < size; i++) {
        sorted.scores[i] = scores[order[i]];
        sorted.masks[i] = masks[order[i]];
      }
      sorted.size = size;
      return sorted;
    }

    boolean[] truePositives(int threshold) {
      boolean[] tp = new boolean[size];
      for (int i = 0; i < size; i++) {
        tp[i] = (masks[i] & (1 << threshold)) != 0;
      }
      return tp;
    }
  }

  /**
   * The metrics of a validation set. Per-class values are NaN for classes without ground truth, and
   * the means leave those classes out (0 when no class has ground truth).
   */
  public static final class Result {
    private final int images;
    private final int[] targets;
    private final double[] ap50;
    private final double[] ap;
    private final double[][] curves;
    private final F1Point f1;

    Result(int images, int[] targets, double[] ap50, double[] ap, double[][] curves, F1Point f1) {
      this.images = images;
      this.targets = targets;
      this.ap50 = ap50;
      this.ap = ap;
      this.curves = curves;
      this.f1 = f1;
    }

    public int images() {
      return images;
    }

    public int numClasses() {
      return targets.length;
    }

    /** Ground-truth boxes of class {@code cls} over all images. */
    public int targets(int cls) {
      return targets[cls];
    }

    /** Whether class {@code cls} has ground truth, and so an AP and a place in the means. */
    public boolean evaluated(int cls) {
      return targets[cls] > 0;
    }

    /** Mean precision over the evaluated classes at the confidence of best mean F1 (YOLOv5's P). */
    public double precision() {
      return f1.meanPrecision();
    }

    /** Mean recall over the evaluated classes at the confidence of best mean F1 (YOLOv5's R). */
    public double recall() {
      return f1.meanRecall();
    }

    /** The confidence at which {@link #precision()} and {@link #recall()} are read. */
    public double f1Confidence() {
      return f1.confidence();
    }

    public double precision(int cls) {
      return evaluated(cls) ? f1.precision(cls) : Double.NaN;
    }

    public double recall(int cls) {
      return evaluated(cls) ? f1.recall(cls) : Double.NaN;
    }

    /** COCO's AP at IoU 0.5, averaged over the evaluated classes. */
    public double map50() {
      return meanOverEvaluated(ap50);
    }

    /** COCO's AP averaged over IoU 0.50:0.05:0.95 and the evaluated classes. */
    public double map() {
      return meanOverEvaluated(ap);
    }

    public double ap50(int cls) {
      return ap50[cls];
    }

    public double ap(int cls) {
      return ap[cls];
    }

    /** The interpolated precision at recall 0, 0.01, ..., 1 at IoU 0.5, averaged over the evaluated classes. */
    public float[] prCurve50() {
      float[] mean = new float[CocoMatching.RECALL_THRESHOLDS.length];
      int n = 0;
      for (double[] q : curves) {
        if (q != null) {
          n++;
          for (int r = 0; r < mean.length; r++) {
            mean[r] += (float) q[r];
          }
        }
      }
      for (int r = 0; r < mean.length && n > 0; r++) {
        mean[r] /= n;
      }
      return mean;
    }

    /** Class {@code cls}'s interpolated precision at recall 0, 0.01, ..., 1 at IoU 0.5; NaNs if not evaluated. */
    public float[] prCurve50(int cls) {
      float[] q = new float[CocoMatching.RECALL_THRESHOLDS.length];
      for (int r = 0; r < q.length; r++) {
        q[r] = curves[cls] == null ? Float.NaN : (float) curves[cls][r];
      }
      return q;
    }

    private double meanOverEvaluated(double[] perClass) {
      double sum = 0;
      int n = 0;
      for (int c = 0; c < perClass.length; c++) {
        if (evaluated(c)) {
          sum += perClass[c];
          n++;
        }
      }
      return n == 0 ? 0 : sum / n;
    }
  }
}
