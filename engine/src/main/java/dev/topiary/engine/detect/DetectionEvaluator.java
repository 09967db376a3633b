package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.model.Model;
import java.util.List;

/**
 * Validates a detector as YOLOv5's {@code val.py} does: inference on letterboxed batches without
 * augmentation, decoding and class-aware NMS at {@link NmsSettings#VALIDATE} (conf 0.001, IoU 0.6,
 * 300 per image, multi-label), then precision, recall and mAP over the whole set ({@link
 * DetectionMetrics}). Boxes are compared in input pixels: the letterbox is a uniform scale and a
 * shift, which leaves every IoU unchanged.
 */
public final class DetectionEvaluator {
  private DetectionEvaluator() {}

  /**
   * A stored detector on {@code data}, on {@link EngineSettings#computeDevice()}, with the anchors of
   * its graph's metadata ({@link DetectorInfo}) and its head's class count; BNs folded into their
   * convolutions ({@link BlockWeights#loadForInference}).
   */
  public static DetectionMetrics.Result evaluate(Model model, DetectionLoader data) {
    int numClasses = DetectHead.of(model.graph()).numClasses();
    Anchors anchors = DetectorInfo.of(model.graph(), numClasses).anchors();
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      return evaluate(BlockWeights.loadForInference(model, manager), data, anchors, numClasses);
    }
  }

  public static DetectionMetrics.Result evaluate(GraphBlock block, DetectionLoader data, Anchors anchors, int numClasses) {
    return evaluate(block, data, anchors, numClasses, NmsSettings.VALIDATE);
  }

  public static DetectionMetrics.Result evaluate(GraphBlock block, DetectionLoader data, Anchors anchors, int numClasses, NmsSettings nms) {
    DetectionMetrics metrics = new DetectionMetrics(numClasses, nms.maxDet());
    NDManager parent = block.parameterArrays().values().iterator().next().getManager();
    for (DetectionBatch batch : data.epoch(0)) {
      try (NDManager scratch = parent.newSubManager()) {
        List<List<Detection>> detections = DetectionDecoder.detect(infer(block, batch, scratch), anchors, numClasses, nms);
        for (int i = 0; i < batch.size(); i++) {
          metrics.add(detections.get(i), batch.truths().get(i));
        }
      }
    }
    return metrics.result();
  }

  /** The raw head maps of one batch, in inference mode. */
  static NDList infer(GraphBlock block, DetectionBatch batch, NDManager scratch) {
    NDArray images = batch.images(scratch);
    NDList maps = block.infer(new NDList(images));
    maps.attach(scratch);
    return maps;
  }
}
