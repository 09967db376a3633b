package dev.topiary.engine.detect;

import java.util.List;

/**
 * One batch from a {@link DetectionLoader}, in YOLOv5's layout.
 *
 * @param size the pictures in it, {@code B}
 * @param imageSize the square input's side {@code S}
 * @param images {@code [B, C, S, S]} floats, pixel / 255 (no mean or std, as YOLOv5)
 * @param targets rows of 6 floats: index in the batch, class, cx, cy, w, h normalised by {@code S}
 *     (YOLOv5's {@code targets}), in picture then object order
 * @param truths per picture, its boxes in input pixels (after letterbox and augmentation)
 * @param letterbox per picture, how it was placed in the input (to map detections back)
 * @param ids per picture, its dataset id (file name)
 */
public record DetectionBatch(int size, int imageSize, float[] images, float[] targets,
    List<List<GroundTruth>> truths, List<LetterboxInfo> letterbox, List<String> ids) {
  public DetectionBatch {
    if (size < 1 || images.length % (size * imageSize * imageSize) != 0 || targets.length % 6 != 0) {
      throw new IllegalArgumentException("batch: " + images.length + " image floats and " + targets.length
          + " target floats do not fit " + size + " pictures of " + imageSize + "x" + imageSize);
    }
    truths = List.copyOf(truths);
    letterbox = List.copyOf(letterbox);
    ids = List.copyOf(ids);
  }

  /** The pictures as one {@code [B, C, S, S]} float32 array in {@code manager}. */
  public ai.djl.ndarray.NDArray images(ai.djl.ndarray.NDManager manager) {
    return manager.create(java.nio.FloatBuffer.wrap(images), new ai.djl.ndarray.types.Shape(size, channels(), imageSize, imageSize));
  }

  /** Channels per picture, {@code C}. */
  public int channels() {
    return images.length / (size * imageSize * imageSize);
  }

  /** Number of target rows (objects in the batch). */
  public int numTargets() {
    return targets.length / 6;
  }
}
