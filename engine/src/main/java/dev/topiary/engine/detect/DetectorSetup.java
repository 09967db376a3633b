package dev.topiary.engine.detect;

import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Readies a detector for training on a dataset, as YOLOv5's {@code train.py} does before its first
 * epoch: the head must predict the dataset's classes, the class names and the anchors (checked by
 * {@link AutoAnchor} against the dataset's boxes, refitted when their best possible recall is low)
 * go into the graph's metadata ({@link DetectorInfo}), and a model trained from scratch gets the
 * head's initial biases. The CLI's {@code train --dataset yolo|coco} and the pipeline's fine-tune
 * stage both start here, so a job trains what the CLI trains.
 */
public final class DetectorSetup {
  private DetectorSetup() {}

  /**
   * The model ready to train, its detector info, and AutoAnchor's report (null when not checked).
   */
  public record Prepared(Model model, DetectorInfo info, String anchorReport) {}

  /**
   * @param fresh the weights are an initialisation, not trained: the head gets YOLOv5's initial biases
   * @param autoAnchor check the anchors against the boxes (YOLOv5's default); false keeps the model's
   * @throws IllegalArgumentException naming both counts when the head and the dataset disagree on the
   *     classes, or when the model's input is not square
   */
  public static Prepared forTraining(Model start, DetectionDataset train, boolean fresh, boolean autoAnchor, long seed) {
    DetectHead head = DetectHead.of(start.graph());
    int size = squareSide(start);
    if (train.classNames().size() != head.numClasses()) {
      throw new IllegalArgumentException("numClasses: the model's head predicts " + head.numClasses() + " classes but the dataset names "
          + train.classNames().size() + " (" + String.join(", ", train.classNames()) + ")");
    }
    DetectorInfo info = new DetectorInfo(DetectorInfo.of(start.graph(), head.numClasses()).anchors(), train.classNames());
    String report = null;
    if (autoAnchor) {
      AutoAnchor.Result check = AutoAnchor.check(boxSizes(train, size), info.anchors(), size, seed);
      report = check.message();
      info = new DetectorInfo(check.chosen(), train.classNames());
    }
    Model model = info.applyTo(start);
    if (fresh) {
      model = head.withInitialBiases(model);
    }
    return new Prepared(model, info, report);
  }

  /**
   * The side of a detector's square input.
   *
   * @throws IllegalArgumentException when the input is not square (detectors train on letterboxed squares)
   */
  public static int squareSide(Model model) {
    TensorShape in = model.graph().inputs().get(0).shape();
    if (in.height() != in.width()) {
      throw new IllegalArgumentException("inputShape: a detector trains on square letterboxed pictures; the model's input is " + in);
    }
    return in.height();
  }

  /** Every box's width and height once its picture is letterboxed to {@code size}. */
  public static float[][] boxSizes(DetectionDataset data, int size) {
    List<float[]> wh = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      float r = (float) size / Math.max(data.width(i), data.height(i));
      for (GroundTruth g : data.objects(i)) {
        wh.add(new float[] {g.width() * r, g.height() * r});
      }
    }
    return wh.toArray(float[][]::new);
  }
}
