package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.List;

/**
 * What a detector graph's outputs are, read from the graph alone: every output is a raw Detect
 * head map {@code [anchors * (5 + classes), H, W]} per sample (YOLOv5's {@code (bs, na, no, ny,
 * nx)} before the view), channel {@code a * (5 + classes) + k} holding box {@code k = 0..3},
 * objectness {@code k = 4} and class logits {@code k >= 5} of anchor {@code a}. The class count
 * comes from the channels, each level's stride from the input size over the map size; pruning
 * never changes either, since surgery leaves graph outputs whole.
 *
 * <p>Immutable. Levels are in output order, which for the zoo's YOLOv5 is P3, P4, P5 (strides 8,
 * 16, 32); strides must rise with the level, as YOLOv5's {@code check_anchor_order} expects.
 */
public final class DetectHead {
  /** YOLOv5's anchors per level. */
  public static final int YOLOV5_ANCHORS_PER_LEVEL = 3;
  private static final int BOX_AND_OBJECTNESS = 5;

  private final List<String> outputs;
  private final int anchorsPerLevel;
  private final int numClasses;
  private final int inputHeight;
  private final int inputWidth;
  private final int[] gridHeights;
  private final int[] gridWidths;
  private final int[] strides;

  private DetectHead(List<String> outputs, int anchorsPerLevel, int numClasses, int inputHeight, int inputWidth,
      int[] gridHeights, int[] gridWidths, int[] strides) {
    this.outputs = List.copyOf(outputs);
    this.anchorsPerLevel = anchorsPerLevel;
    this.numClasses = numClasses;
    this.inputHeight = inputHeight;
    this.inputWidth = inputWidth;
    this.gridHeights = gridHeights;
    this.gridWidths = gridWidths;
    this.strides = strides;
  }

  /** The head of a graph with YOLOv5's three anchors per level. */
  public static DetectHead of(Graph graph) {
    return of(graph, YOLOV5_ANCHORS_PER_LEVEL);
  }

  /**
   * Reads the head of a detector graph.
   *
   * @throws InvalidModelException naming the graph and output when the graph has not one {@code
   *     [C, H, W]} input, or an output is not a head map: not rank 3, channels not {@code
   *     anchorsPerLevel * (5 + classes)} with the same class count (at least 1) on every level, a
   *     map size that does not divide the input into one integer stride, or strides not rising
   */
  public static DetectHead of(Graph graph, int anchorsPerLevel) {
    if (anchorsPerLevel < 1) {
      throw new IllegalArgumentException("anchorsPerLevel: must be at least 1, got " + anchorsPerLevel);
    }
    String where = "graph '" + graph.name() + "'";
    if (graph.inputs().size() != 1 || graph.inputs().get(0).shape().rank() != 3) {
      throw new InvalidModelException(where + ": a detector takes one [C, H, W] input, got " + graph.inputs());
    }
    TensorShape in = graph.inputs().get(0).shape();
    List<String> outs = graph.outputs();
    int n = outs.size();
    if (n == 0) {
      throw new InvalidModelException(where + ": has no outputs");
    }
    int[] gh = new int[n];
    int[] gw = new int[n];
    int[] strides = new int[n];
    int classes = -1;
    for (int l = 0; l < n; l++) {
      String name = outs.get(l);
      TensorShape s = graph.shape(name);
      if (s.rank() != 3) {
        throw new InvalidModelException(where + ": output '" + name + "' is not a head map [C, H, W]: " + s);
      }
      int perAnchor = s.channels() / anchorsPerLevel;
      if (s.channels() % anchorsPerLevel != 0 || perAnchor <= BOX_AND_OBJECTNESS) {
        throw new InvalidModelException(where + ": output '" + name + "' has " + s.channels()
            + " channels, not " + anchorsPerLevel + " anchors x (5 + classes) with at least one class");
      }
      if (classes >= 0 && perAnchor - BOX_AND_OBJECTNESS != classes) {
        throw new InvalidModelException(where + ": output '" + name + "' has " + (perAnchor - BOX_AND_OBJECTNESS)
            + " classes where the first level has " + classes);
      }
      classes = perAnchor - BOX_AND_OBJECTNESS;
      gh[l] = s.height();
      gw[l] = s.width();
      strides[l] = in.height() / s.height();
      if (in.height() % s.height() != 0 || in.width() % s.width() != 0 || in.width() / s.width() != strides[l]) {
        throw new InvalidModelException(where + ": output '" + name + "' map " + s.height() + "x" + s.width()
            + " does not divide the input " + in.height() + "x" + in.width() + " into one integer stride");
      }
      if (l > 0 && strides[l] <= strides[l - 1]) {
        throw new InvalidModelException(where + ": output '" + name + "' has stride " + strides[l]
            + ", not above the previous level's " + strides[l - 1]);
      }
    }
    return new DetectHead(outs, anchorsPerLevel, classes, in.height(), in.width(), gh, gw, strides);
  }

  /** The head map outputs, one per level. */
  public List<String> outputs() {
    return outputs;
  }

  public int levels() {
    return outputs.size();
  }

  public int anchorsPerLevel() {
    return anchorsPerLevel;
  }

  public int numClasses() {
    return numClasses;
  }

  /** {@code 5 + classes}: YOLOv5's {@code no}. */
  public int valuesPerAnchor() {
    return BOX_AND_OBJECTNESS + numClasses;
  }

  public int inputHeight() {
    return inputHeight;
  }

  public int inputWidth() {
    return inputWidth;
  }

  public int stride(int level) {
    return strides[level];
  }

  public int gridHeight(int level) {
    return gridHeights[level];
  }

  public int gridWidth(int level) {
    return gridWidths[level];
  }

  /**
   * Checks that anchors suit this head: one row per level, the same strides, {@link
   * #anchorsPerLevel()} pairs per level.
   *
   * @throws IllegalArgumentException naming anchors and what differs
   */
  public void checkAnchors(Anchors anchors) {
    if (anchors.levels() != levels() || anchors.perLevel() != anchorsPerLevel) {
      throw new IllegalArgumentException("anchors: " + anchors.levels() + " levels of " + anchors.perLevel()
          + " do not fit a head of " + levels() + " levels of " + anchorsPerLevel);
    }
    for (int l = 0; l < levels(); l++) {
      if (anchors.stride(l) != strides[l]) {
        throw new IllegalArgumentException("anchors: level " + l + " has stride " + anchors.stride(l)
            + " where the head's map has stride " + strides[l]);
      }
    }
  }

  /**
   * YOLOv5's {@code Model._initialize_biases} (RetinaNet's prior, arXiv:1708.02002 3.3) applied to
   * a copy of the model's weights: to each head conv's bias, objectness gets {@code += log(8 /
   * cells)} where {@code cells} is the level's map size, and every class logit {@code += log(0.6 /
   * (classes - 0.99999))} (v7.0's constant; v6.0 had 0.99). YOLOv5 builds its model at 640 and so
   * writes {@code log(8 / (640 / s)^2)}; counting the cells of this graph's own input keeps the
   * prior at 8 objects per image at any input size, which is the intent, and equals YOLOv5's at
   * 640x640. Other tensors are shared with the model, not copied.
   *
   * @throws InvalidModelException naming the node when a head output is not a conv with a bias
   */
  public Model withInitialBiases(Model model) {
    Graph g = model.graph();
    Weights out = new Weights();
    for (ParamKey k : model.weights().keys()) {
      out.put(k, model.weights().get(k));
    }
    int no = valuesPerAnchor();
    float cls = (float) Math.log(0.6 / (numClasses - 0.99999));
    for (int l = 0; l < levels(); l++) {
      Node node = g.node(outputs.get(l));
      if (!(node.op() instanceof Conv c) || !c.bias()) {
        throw new InvalidModelException("graph '" + g.name() + "': head output '" + node.name()
            + "' is not a convolution with a bias, so its priors cannot be set");
      }
      ParamKey key = new ParamKey(node.name(), ParamRole.BIAS);
      Tensor bias = out.get(key).copy();
      float[] b = bias.data();
      float obj = (float) Math.log(8.0 / ((double) gridHeights[l] * gridWidths[l]));
      for (int a = 0; a < anchorsPerLevel; a++) {
        b[a * no + 4] += obj;
        for (int k = BOX_AND_OBJECTNESS; k < no; k++) {
          b[a * no + k] += cls;
        }
      }
      out.put(key, bias);
    }
    return model.withWeights(out);
  }
}
