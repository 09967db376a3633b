package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Boxes for single pictures, as YOLOv5's {@code detect.py}: the picture is letterboxed to the model's
 * input, run, decoded and filtered by NMS, and the boxes are mapped back to the picture's own pixels
 * (clipped to it). Holds the model, its BNs folded into their convolutions ({@link
 * BlockWeights#loadForInference}), on {@link EngineSettings#computeDevice()} until closed.
 */
public final class BoxPredictor implements AutoCloseable {
  private final NDManager manager;
  private final GraphBlock block;
  private final DetectorInfo info;
  private final int numClasses;
  private final TensorShape input;

  public BoxPredictor(Model model) {
    DetectHead head = DetectHead.of(model.graph());
    numClasses = head.numClasses();
    info = DetectorInfo.of(model.graph(), numClasses);
    input = model.graph().inputs().get(0).shape();
    if (input.height() != input.width()) {
      throw new IllegalArgumentException("model: a detector takes square letterboxed pictures; the input is " + input);
    }
    manager = NDManager.newBaseManager(EngineSettings.computeDevice());
    block = BlockWeights.loadForInference(model, manager); // inference only: BNs folded into their convs
  }

  public DetectorInfo info() {
    return info;
  }

  /** The boxes found in the picture file, in its pixels, best first. */
  public List<Detection> predict(Path picture, NmsSettings nms) {
    DetectionImage img = ChannelFit.fit(ImageFiles.decode(picture, List.of()), input.channels(), picture);
    Letterbox.Letterboxed boxed = Letterbox.apply(img, input.height());
    byte[] px = boxed.image().chw();
    float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      x[i] = (px[i] & 0xFF) / 255f;
    }
    try (NDManager scratch = manager.newSubManager()) {
      NDArray batch = scratch.create(x, new Shape(1, input.channels(), input.height(), input.width()));
      NDList maps = block.infer(new NDList(batch));
      maps.attach(scratch);
      List<Detection> out = new ArrayList<>();
      for (Detection d : DetectionDecoder.detect(maps, info.anchors(), numClasses, nms).get(0)) {
        out.add(boxed.info().toOriginal(d));
      }
      return out;
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
