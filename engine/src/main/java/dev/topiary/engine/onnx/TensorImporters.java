package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.Add;
import dev.topiary.engine.graph.Concat;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Div;
import dev.topiary.engine.graph.Dropout;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.LeakyRelu;
import dev.topiary.engine.graph.LogSoftmax;
import dev.topiary.engine.graph.Mul;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.Sigmoid;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.ZeroPadShortcut;
import dev.topiary.engine.graph.Softmax;
import dev.topiary.engine.graph.Sub;
import dev.topiary.engine.graph.TensorShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Importers of the element-wise and tensor-plumbing ONNX ops on feature maps: activations,
 * arithmetic with a map or a constant, Concat, Split and Slice along channels, Pad, Dropout,
 * Identity, Softmax, ReduceMean over the spatial axes. Reshape-like and resizing ops are in
 * {@link ShapeImporters}.
 */
final class TensorImporters {
  private TensorImporters() {}

  static void register(Map<String, NodeImporter> table) {
    unary(table, "Relu", Relu::new);
    unary(table, "Sigmoid", Sigmoid::new);
    unary(table, "HardSwish", HardSwish::new);
    table.put("LeakyRelu", n -> {
      n.allowAttributes("alpha");
      return one(n.add(new LeakyRelu(n.f("alpha", 0.01)), n.map(0)));
    });
    table.put("HardSigmoid", n -> {
      n.allowAttributes("alpha", "beta");
      return one(n.add(new HardSigmoid(n.f("alpha", 0.2), n.f("beta", 0.5)), n.map(0)));
    });
    table.put("Add", n -> arithmetic(n, new Add()));
    table.put("Sub", n -> arithmetic(n, new Sub()));
    table.put("Mul", n -> arithmetic(n, new Mul()));
    table.put("Div", n -> arithmetic(n, new Div()));
    table.put("Concat", TensorImporters::concat);
    table.put("Split", TensorImporters::split);
    table.put("Slice", TensorImporters::slice);
    table.put("Pad", TensorImporters::pad);
    table.put("Dropout", TensorImporters::dropout);
    table.put("Identity", n -> List.of(n.map(0)));
    table.put("Cast", n -> {
      n.allowAttributes("to", "saturate");
      if (n.i("to", 1) != 1) {
        throw n.unsupported("a cast of the features to another type than float is not supported");
      }
      return List.of(n.map(0));
    });
    table.put("Softmax", n -> softmax(n, new Softmax()));
    table.put("LogSoftmax", n -> softmax(n, new LogSoftmax()));
    table.put("ReduceMean", TensorImporters::reduceMean);
    table.put("Flatten", LayerImporters::flatten);
  }

  private static void unary(Map<String, NodeImporter> table, String op, Supplier<Op> make) {
    table.put(op, n -> {
      n.allowAttributes();
      return one(n.add(make.get(), n.map(0)));
    });
  }

  static List<Value> one(IrDraft.Draft d) {
    return List.of(OnnxNode.ref(d));
  }

  /**
   * A binary op on two maps, or on a map and a constant, which becomes a {@link Constant} node of
   * the map's rank (ONNX broadcasting aligns shapes on the right; the IR's has equal ranks).
   */
  private static List<Value> arithmetic(OnnxNode n, Op op) {
    n.allowAttributes();
    Value a = n.input(0);
    Value b = n.input(1);
    Value.MapRef map = a instanceof Value.MapRef m ? m : n.map(1);
    Value.MapRef left = a instanceof Value.MapRef m ? m : constant(n, 0, map);
    Value.MapRef right = b instanceof Value.MapRef m ? m : constant(n, 1, map);
    if (left.shape().rank() != right.shape().rank()) {
      throw n.unsupported("operands of shapes " + left.shape() + " and " + right.shape() + " (per sample) do not broadcast channel to channel");
    }
    return one(n.add(op, left, right));
  }

  private static Value.MapRef constant(OnnxNode n, int input, Value.MapRef like) {
    Const c = n.constant(input);
    int rank = like.onnxRank();
    if (c.rank() > rank) {
      throw n.unsupported("constant of shape " + Arrays.toString(c.dims()) + " has more dimensions than the features " + like.shape());
    }
    int[] full = new int[rank];
    Arrays.fill(full, 1);
    for (int i = 0; i < c.rank(); i++) {
      full[rank - c.rank() + i] = Math.toIntExact(c.dims()[i]);
    }
    if (full[0] != 1) {
      throw n.unsupported("constant of shape " + Arrays.toString(c.dims()) + " differs per sample of the batch");
    }
    int[] perSample = Arrays.copyOfRange(full, 1, rank);
    String name = n.proto.getInput(input);
    IrDraft.Draft d = n.add(name.isEmpty() ? n.name() + "/const" : name, new Constant(TensorShape.of(perSample)));
    OnnxNode.param(d, ParamRole.VALUE, perSample, c.asFloats());
    return OnnxNode.ref(d);
  }

  /** The axis, made non-negative, which must be the channel axis. */
  static long channelAxis(OnnxNode n, long axis, Value.MapRef x) {
    long a = axis < 0 ? axis + x.onnxRank() : axis;
    if (a != 1) {
      throw n.unsupported("axis " + axis + " is not supported (only the channel axis, 1)");
    }
    return a;
  }

  private static List<Value> concat(OnnxNode n) {
    n.allowAttributes("axis");
    List<Value.MapRef> parts = new ArrayList<>();
    for (int i = 0; i < n.inputCount(); i++) {
      parts.add(n.map(i));
    }
    channelAxis(n, n.i("axis", 1), parts.get(0));
    if (parts.size() == 1) {
      return List.of(parts.get(0));
    }
    return one(n.add(new Concat(), parts.toArray(Value.MapRef[]::new)));
  }

  /** Each output of a Split along channels is a Slice, named by its output tensor. */
  private static List<Value> split(OnnxNode n) {
    n.allowAttributes("axis", "split", "num_outputs");
    Value.MapRef x = n.map(0);
    channelAxis(n, n.i("axis", 0), x);
    int outputs = n.proto.getOutputCount();
    long[] sizes;
    if (n.opset >= 13 && n.input(1) != null) {
      sizes = n.constant(1).asLongs("Split's sizes");
    } else if (n.has("split")) {
      sizes = n.ints("split", null);
    } else {
      int c = x.shape().channels();
      sizes = new long[outputs];
      int each = (c + outputs - 1) / outputs; // the last part is smaller when C does not divide
      for (int i = 0; i < outputs; i++) {
        sizes[i] = Math.max(0, Math.min(each, c - (long) each * i));
      }
    }
    if (sizes.length != outputs || Arrays.stream(sizes).sum() != x.shape().channels()) {
      throw n.invalid("split sizes " + Arrays.toString(sizes) + " do not cover the " + x.shape().channels() + " channels in " + outputs + " outputs");
    }
    List<Value> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < outputs; i++) {
      int end = start + (int) sizes[i];
      out.add(OnnxNode.ref(n.add(n.proto.getOutput(i), new Slice(start, end), x)));
      start = end;
    }
    return out;
  }

  /** A Slice of the features with step 1 along channels only. */
  private static List<Value> slice(OnnxNode n) {
    n.allowAttributes("starts", "ends", "axes");
    Value.MapRef x = n.map(0);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (n.opset < 10) {
      starts = n.ints("starts", null);
      ends = n.ints("ends", null);
      axes = n.ints("axes", null);
    } else {
      starts = n.constant(1).asLongs("Slice's starts");
      ends = n.constant(2).asLongs("Slice's ends");
      axes = n.input(3) == null ? null : n.constant(3).asLongs("Slice's axes");
      steps = n.input(4) == null ? null : n.constant(4).asLongs("Slice's steps");
    }
    if (axes == null) {
      axes = new long[starts.length];
      Arrays.setAll(axes, i -> i);
    }
    ZeroPadShortcut subsample = subsample(n, x, starts, ends, axes, steps);
    if (subsample != null) {
      return one(n.add(subsample, x));
    }
    if (starts.length != 1 || axes.length != 1 || (steps != null && (steps.length != 1 || steps[0] != 1))) {
      throw n.unsupported("only a slice of the channels with step 1, or x[:, :, ::s, ::s], is supported (axes "
          + Arrays.toString(axes) + ", steps " + Arrays.toString(steps) + ")");
    }
    channelAxis(n, axes[0], x);
    int c = x.shape().channels();
    int start = (int) clampIndex(starts[0], c);
    int end = (int) clampIndex(ends[0], c);
    if (start == 0 && end == c) {
      return List.of(x);
    }
    return one(n.add(new Slice(start, end), x));
  }

  /**
   * {@code x[:, :, ::s, ::s]}, the subsampling of an option-A shortcut (HRank's and the CIFAR
   * ResNets'): the whole height and width from 0 with one step s on both; null for any other slice.
   */
  private static ZeroPadShortcut subsample(OnnxNode n, Value.MapRef x, long[] starts, long[] ends, long[] axes, long[] steps) {
    if (axes.length != 2 || steps == null || steps.length != 2 || steps[0] != steps[1] || steps[0] < 1 || x.shape().rank() != 3) {
      return null;
    }
    int[] size = {x.shape().height(), x.shape().width()};
    for (int i = 0; i < 2; i++) {
      long axis = axes[i] < 0 ? axes[i] + 4 : axes[i];
      if (axis != 2 + i || clampIndex(starts[i], size[i]) != 0 || clampIndex(ends[i], size[i]) != size[i]) {
        return null;
      }
    }
    return new ZeroPadShortcut((int) steps[0], 0, 0);
  }

  private static long clampIndex(long i, int size) {
    long v = i < 0 ? i + size : i;
    return Math.max(0, Math.min(size, v));
  }

  private static List<Value> pad(OnnxNode n) {
    n.allowAttributes("mode", "pads", "value");
    if (!n.s("mode", "constant").equals("constant")) {
      throw n.unsupported("mode '" + n.s("mode", "constant") + "' is not supported (only constant zero padding)");
    }
    Value.MapRef x = n.map(0);
    long[] p;
    double value;
    if (n.opset < 11) {
      p = n.ints("pads", null);
      value = n.f("value", 0);
    } else {
      p = n.constant(1).asLongs("Pad's pads");
      value = n.input(2) == null ? 0 : n.constant(2).scalar("Pad's constant_value");
      if (n.input(3) != null) {
        throw n.unsupported("the axes input is not supported");
      }
    }
    if (value != 0) {
      throw n.unsupported("padding value " + value + " is not supported (only 0)");
    }
    if (p == null || p.length != 8 || p[0] != 0 || p[4] != 0) {
      throw n.unsupported("pads " + Arrays.toString(p) + ": only the channels, height and width of [N, C, H, W] may be padded");
    }
    if (Arrays.stream(p).anyMatch(v -> v < 0)) {
      throw n.unsupported("negative pads (cropping) " + Arrays.toString(p) + " are not supported");
    }
    boolean channels = p[1] != 0 || p[5] != 0;
    boolean spatial = p[2] != 0 || p[3] != 0 || p[6] != 0 || p[7] != 0;
    if (channels && spatial) {
      throw n.unsupported("pads " + Arrays.toString(p) + ": channels and height/width padded in one Pad are not supported");
    }
    if (channels) { // zero channels appended, as an option-A shortcut does (a rewrite joins it to its subsampling)
      return one(n.add(new ZeroPadShortcut(1, (int) p[1], (int) p[5]), x));
    }
    return one(n.add(new Pad((int) p[2], (int) p[3], (int) p[6], (int) p[7]), x));
  }

  private static List<Value> dropout(OnnxNode n) {
    n.allowAttributes("ratio", "is_test", "seed");
    if (n.proto.getOutputCount() > 1 && !n.proto.getOutput(1).isEmpty()) {
      throw n.unsupported("the mask output is not supported");
    }
    double ratio = n.opset < 12 ? n.f("ratio", 0.5) : n.input(1) == null ? 0.5 : OnnxNode.decimal((float) n.constant(1).scalar("Dropout's ratio"));
    if (n.input(2) != null && n.constant(2).scalar("Dropout's training_mode") != 0) {
      throw n.unsupported("training_mode true is not supported: export in eval mode");
    }
    return one(n.add(new Dropout(ratio), n.map(0)));
  }

  private static List<Value> softmax(OnnxNode n, Op op) {
    n.allowAttributes("axis");
    Value.MapRef x = n.map(0);
    long axis = n.i("axis", n.opset < 13 ? 1 : -1);
    if (n.opset < 13 && x.onnxRank() > 2) {
      throw n.unsupported("before opset 13, softmax over [N, C, H, W] flattens C, H and W together; only [N, F] inputs are supported");
    }
    channelAxis(n, axis, x);
    return one(n.add(op, x));
  }

  /** The mean over height and width is a GlobalAveragePool (then a Flatten without keepdims). */
  private static List<Value> reduceMean(OnnxNode n) {
    n.allowAttributes("axes", "keepdims", "noop_with_empty_axes");
    Value.MapRef x = n.map(0);
    long[] axes = n.opset >= 18 && n.input(1) != null ? n.constant(1).asLongs("ReduceMean's axes") : n.ints("axes", null);
    long[] norm = axes == null ? new long[0] : Arrays.stream(axes).map(a -> a < 0 ? a + x.onnxRank() : a).sorted().toArray();
    if (x.onnxRank() != 4 || !Arrays.equals(norm, new long[] {2, 3})) {
      throw n.unsupported("axes " + Arrays.toString(axes) + " are not supported (only the mean over height and width of [N, C, H, W])");
    }
    IrDraft.Draft pooled = n.add(new GlobalAveragePool(), x);
    if (n.i("keepdims", 1) != 0) {
      return one(pooled);
    }
    return one(n.add(n.name() + "/flatten", new Flatten(), OnnxNode.ref(pooled)));
  }
}
