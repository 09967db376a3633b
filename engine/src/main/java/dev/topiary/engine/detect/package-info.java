/**
 * Object detection: detection datasets (YOLO and COCO layouts, letterbox, augmentation, the
 * generated Fashion-MNIST scenes), anchors, YOLOv5's loss and target assignment, decoding of the
 * raw head maps, class-aware NMS and mAP. The graph's outputs stay the raw Detect head maps
 * ({@code [B, anchors * (5 + classes), H, W]} per level); everything after them lives here.
 *
 * <p>Coordinates: {@link dev.topiary.engine.detect.GroundTruth} and
 * {@link dev.topiary.engine.detect.Detection} are corner boxes in pixels of the image they belong to.
 */
package dev.topiary.engine.detect;
