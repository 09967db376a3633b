package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.prune.importance.ScoringData;
import dev.topiary.engine.prune.importance.ScoringLoss;
import dev.topiary.engine.train.EpochData;
import java.nio.FloatBuffer;
import java.util.Iterator;

/**
 * Detection data for the data-driven criteria: HRank and APoZ read the feature maps of the
 * loader's pictures, Taylor differentiates YOLOv5's loss ({@link YoloLoss}, which is already summed
 * over the batch) against the batch's targets. A batch is {@code [images [B,C,S,S], targets [n,6]]}
 * in YOLOv5's target layout.
 */
public final class DetectionScoring {
  private DetectionScoring() {}

  /** The first {@code limit} batches of {@code loader}'s epoch 0, with the detector's loss. */
  public static ScoringData of(DetectionLoader loader, Graph detector, Anchors anchors, int limit) {
    YoloLoss loss = YoloLoss.builder().setHead(DetectHead.of(detector)).setAnchors(anchors).build();
    ScoringLoss scoring = (outputs, batch, manager) -> loss.compute(manager, outputs, batch.get(1).toFloatArray()).total();
    return ScoringData.builder().setData(epochData(loader)).optLimit(limit).optLoss(scoring).build();
  }

  static EpochData epochData(DetectionLoader loader) {
    return (epoch, manager) -> () -> {
      Iterator<DetectionBatch> it = loader.epoch(epoch).iterator();
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public NDList next() {
          DetectionBatch b = it.next();
          NDArray images = b.images(manager);
          NDArray targets = manager.create(FloatBuffer.wrap(b.targets()), new Shape(b.numTargets(), 6));
          return new NDList(images, targets);
        }
      };
    };
  }
}
