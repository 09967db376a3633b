package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Importers of the ONNX ops that change a feature map's shape: Reshape, Squeeze and Unsqueeze
 * (which become a {@link Flatten}, a channel-keeping {@link Reshape}, or nothing), and Resize /
 * Upsample. A target shape computed by a Shape/Gather/Concat chain arrives here already folded
 * to a constant, with the batch size as {@link Const#BATCH} when it is dynamic.
 */
final class ShapeImporters {
  private ShapeImporters() {}

  static void register(Map<String, NodeImporter> table) {
    table.put("Reshape", ShapeImporters::reshape);
    table.put("Squeeze", n -> squeezeLike(n, true));
    table.put("Unsqueeze", n -> squeezeLike(n, false));
    table.put("Resize", ShapeImporters::resize);
    table.put("Upsample", ShapeImporters::resize);
  }

  private static List<Value> reshape(OnnxNode n) {
    n.allowAttributes("allowzero");
    Value.MapRef x = n.map(0);
    double[] target = n.constant(1).values();
    if (n.i("allowzero", 0) != 0 && Arrays.stream(target).anyMatch(v -> v == 0)) {
      throw n.unsupported("allowzero 1 with a zero in the shape is not supported");
    }
    int[] perSample = perSampleTarget(n, x, target);
    return to(n, x, perSample);
  }

  /**
   * The per-sample shape of an ONNX target shape: 0 copies the input's dimension, -1 is inferred,
   * and the first entry must be the batch (unknown, copied, -1 or the static batch size).
   */
  private static int[] perSampleTarget(OnnxNode n, Value.MapRef x, double[] target) {
    if (target.length < 2) {
      throw n.unsupported("reshape to " + Arrays.toString(target) + " drops the batch dimension");
    }
    double first = target[0];
    if (!(Double.isNaN(first) || first == 0 || first == -1 || first == n.batch)) {
      throw n.unsupported("reshape to " + Arrays.toString(target) + " does not keep the batch as its first dimension");
    }
    int[] dims = new int[target.length - 1];
    int infer = -1;
    long known = 1;
    for (int i = 1; i < target.length; i++) {
      double t = target[i];
      if (Double.isNaN(t)) {
        throw n.unsupported("reshape to a shape that depends on the batch size in dimension " + i);
      }
      if (t == -1) {
        if (infer >= 0) {
          throw n.invalid("shape " + Arrays.toString(target) + " has two -1");
        }
        infer = i - 1;
        continue;
      }
      int v = t == 0 ? x.shape().dim(i - 1) : (int) t;
      dims[i - 1] = v;
      known *= v;
    }
    if (infer >= 0) {
      dims[infer] = (int) (x.shape().size() / Math.max(known, 1));
    }
    return dims;
  }

  /** The IR op that turns the map into this per-sample shape, if it keeps the channels' order. */
  static List<Value> to(OnnxNode n, Value.MapRef x, int[] perSample) {
    TensorShape target;
    try {
      target = TensorShape.of(perSample);
    } catch (IllegalArgumentException e) {
      throw n.invalid("target shape " + Arrays.toString(perSample) + ": " + e.getMessage());
    }
    if (target.size() != x.shape().size()) {
      throw n.invalid("cannot reshape " + x.shape() + " (per sample) to " + target);
    }
    if (target.equals(x.shape())) {
      return List.of(x);
    }
    if (target.rank() == 1) {
      return TensorImporters.one(n.add(new Flatten(), x));
    }
    if (target.channels() == x.shape().channels() && x.shape().size() == x.shape().channels()) {
      return TensorImporters.one(n.add(new Reshape(target), x)); // [C] <-> [C, 1, 1]
    }
    throw n.unsupported("reshape of " + x.shape() + " to " + target + " (per sample) mixes channels; only flattening and [C] <-> [C, 1, 1] are supported");
  }

  private static List<Value> squeezeLike(OnnxNode n, boolean squeeze) {
    n.allowAttributes("axes");
    Value.MapRef x = n.map(0);
    long[] axes = n.opset >= 13 ? (n.input(1) == null ? null : n.constant(1).asLongs("axes")) : n.ints("axes", null);
    List<Integer> dims = new ArrayList<>();
    dims.add(-1); // the batch
    for (int d : x.shape().toArray()) {
      dims.add(d);
    }
    if (axes == null) {
      if (!squeeze) {
        throw n.invalid("Unsqueeze needs axes");
      }
      dims.removeIf(d -> d == 1);
    } else if (squeeze) {
      long[] norm = n.axes(axes, dims.size());
      for (int i = norm.length - 1; i >= 0; i--) {
        if (norm[i] == 0 || dims.get((int) norm[i]) != 1) {
          throw n.unsupported("cannot squeeze axis " + norm[i] + " of " + x.shape());
        }
        dims.remove((int) norm[i]);
      }
    } else {
      int outRank = dims.size() + axes.length;
      long[] norm = n.axes(axes, outRank);
      for (long a : norm) {
        if (a == 0) {
          throw n.unsupported("unsqueezing before the batch is not supported");
        }
        dims.add((int) a, 1);
      }
    }
    int[] perSample = dims.subList(1, dims.size()).stream().mapToInt(Integer::intValue).toArray();
    return to(n, x, perSample);
  }

  private static List<Value> resize(OnnxNode n) {
    n.allowAttributes("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
        "exclude_outside", "extrapolation_value", "scales", "antialias", "keep_aspect_ratio_policy", "axes");
    Value.MapRef x = n.map(0);
    if (x.shape().rank() != 3) {
      throw n.unsupported("only [N, C, H, W] inputs can be resized");
    }
    if (n.i("antialias", 0) != 0 || n.i("exclude_outside", 0) != 0 || n.has("axes")) {
      throw n.unsupported("antialias, exclude_outside and axes are not supported");
    }
    String mode = n.s("mode", "nearest");
    boolean legacy = n.op().equals("Upsample") || n.opset < 11;
    String coordinates = legacy ? "asymmetric" : n.s("coordinate_transformation_mode", "half_pixel");
    double[] scale = scales(n, x, legacy);
    if (mode.equals("nearest")) {
      String rounding = legacy ? "floor" : n.s("nearest_mode", "round_prefer_floor");
      if (!coordinates.equals(Resize.ASYMMETRIC) || !rounding.equals("floor")) {
        throw n.unsupported("nearest resize with coordinate_transformation_mode '" + coordinates + "' and nearest_mode '"
            + rounding + "' is not supported (torch's nearest is 'asymmetric' with 'floor')");
      }
      if (scale[0] == scale[1] && scale[0] >= 1 && scale[0] == Math.rint(scale[0])) {
        // nn.Upsample(scale_factor=s): each pixel repeated s x s times, the IR's Upsample (as the zoo's YOLOv5)
        return TensorImporters.one(n.add(new Upsample((int) scale[0]), x));
      }
    } else if (mode.equals("linear") || mode.equals("bilinear")) {
      mode = Resize.LINEAR;
      if (!List.of(Resize.HALF_PIXEL, Resize.PYTORCH_HALF_PIXEL, Resize.ALIGN_CORNERS).contains(coordinates)) {
        throw n.unsupported("linear resize with coordinate_transformation_mode '" + coordinates + "' is not supported");
      }
    } else {
      throw n.unsupported("mode '" + mode + "' is not supported (nearest and linear are)");
    }
    return TensorImporters.one(n.add(new Resize(mode, coordinates, scale[0], scale[1]), x));
  }

  /** Height and width scales, from the scales input or attribute, or from the sizes input. */
  private static double[] scales(OnnxNode n, Value.MapRef x, boolean legacy) {
    double[] s = null;
    if (n.op().equals("Upsample") && n.opset < 9) {
      if (n.attr("scales") != null) { // an attribute until opset 9
        s = n.attr("scales").getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
      }
    } else {
      int scalesInput = legacy ? 1 : 2;
      Value v = n.input(scalesInput);
      if (v instanceof Const c && c.size() > 0) {
        s = c.values();
      } else if (!legacy && n.input(3) instanceof Const sizes && sizes.size() == 4) {
        double[] z = sizes.values();
        return new double[] {z[2] / x.shape().height(), z[3] / x.shape().width()};
      }
    }
    if (s == null || s.length != 4 || s[0] != 1 || s[1] != 1) {
      throw n.unsupported("scales " + Arrays.toString(s) + ": only height and width may be resized, by constant scales or sizes");
    }
    return new double[] {s[2], s[3]};
  }
}
