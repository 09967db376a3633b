package dev.topiary.engine.onnx;

import static dev.topiary.engine.onnx.OnnxEmitter.integer;
import static dev.topiary.engine.onnx.OnnxEmitter.ints;
import static dev.topiary.engine.onnx.OnnxEmitter.string;

import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Slice;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.List;
import java.util.Map;

/**
 * Exporters of the IR ops that move, pad or resize data, and of the softmaxes, for {@link
 * OnnxNodeExporters}' table. Every op here takes its shape arguments as int64 or float initializers
 * (ONNX moved them from attributes to inputs by opset 11: Pad, Slice, Resize). IR axes are per
 * sample, so channel axis 0 of the IR is axis 1 of the batched ONNX tensor.
 */
final class OnnxShapeExporters {
  private OnnxShapeExporters() {}

  static void register(Map<OpType, NodeExporter> m) {
    m.put(OpType.CONCAT, (n, out) -> out.node("Concat", n.inputs(), n.name()).addAttribute(integer("axis", 1)));
    m.put(OpType.FLATTEN, (n, out) -> out.node("Flatten", n.inputs(), n.name()).addAttribute(integer("axis", 1)));
    m.put(OpType.ZERO_PAD_SHORTCUT, OnnxShapeExporters::zeroPadShortcut);
    m.put(OpType.PAD, OnnxShapeExporters::pad);
    m.put(OpType.SLICE, OnnxShapeExporters::slice);
    m.put(OpType.RESHAPE, OnnxShapeExporters::reshape);
    m.put(OpType.UPSAMPLE, (n, out) -> {
      double s = ((Upsample) n.op()).scale();
      resize(out, n, new Resize(Resize.NEAREST, Resize.ASYMMETRIC, s, s));
    });
    m.put(OpType.RESIZE, (n, out) -> resize(out, n, (Resize) n.op()));
    m.put(OpType.SOFTMAX, (n, out) -> softmax(out, n, "Softmax"));
    m.put(OpType.LOG_SOFTMAX, (n, out) -> softmax(out, n, "LogSoftmax"));
  }

  /** x[:, :, ::s, ::s] as a Slice with steps, then the channel padding as a Pad. */
  private static void zeroPadShortcut(Node n, OnnxEmitter out) {
    ZeroPadShortcut z = (ZeroPadShortcut) n.op();
    boolean pads = z.padBefore() > 0 || z.padAfter() > 0;
    String x = n.inputs().get(0);
    if (z.stride() == 1 && !pads) {
      out.node("Identity", List.of(x), n.name());
      return;
    }
    if (z.stride() > 1) {
      String sliced = pads ? out.fresh(n.name() + "/subsample") : n.name();
      out.node("Slice", List.of(x,
          out.longs(n.name() + "/starts", 0, 0),
          out.longs(n.name() + "/ends", Long.MAX_VALUE, Long.MAX_VALUE), // clamped to each axis' length
          out.longs(n.name() + "/axes", 2, 3),
          out.longs(n.name() + "/steps", z.stride(), z.stride())), sliced);
      x = sliced;
    }
    if (pads) {
      out.node("Pad", List.of(x, out.longs(n.name() + "/pads", 0, z.padBefore(), 0, 0, 0, z.padAfter(), 0, 0)), n.name());
    }
  }

  /** Zeros around the spatial axes: ONNX pads are every axis' begin, then every axis' end. */
  private static void pad(Node n, OnnxEmitter out) {
    Pad p = (Pad) n.op();
    String pads = out.longs(n.name() + "/pads", 0, 0, p.top(), p.left(), 0, 0, p.bottom(), p.right());
    out.node("Pad", List.of(n.inputs().get(0), pads), n.name());
  }

  private static void slice(Node n, OnnxEmitter out) {
    Slice s = (Slice) n.op();
    out.node("Slice", List.of(n.inputs().get(0),
        out.longs(n.name() + "/starts", s.start()),
        out.longs(n.name() + "/ends", s.end()),
        out.longs(n.name() + "/axes", 1)), n.name());
  }

  /** The per-sample shape behind a 0, which copies the batch dimension (allowzero stays 0). */
  private static void reshape(Node n, OnnxEmitter out) {
    int[] dims = ((Reshape) n.op()).shape().toArray();
    long[] shape = new long[dims.length + 1];
    for (int i = 0; i < dims.length; i++) {
      shape[i + 1] = dims[i];
    }
    out.node("Reshape", List.of(n.inputs().get(0), out.longs(n.name() + "/shape", shape)), n.name());
  }

  /**
   * Resize by scales [1, 1, sh, sw]. Opsets 11 and 12 require the roi input (used only by
   * tf_crop_and_resize): it gets an empty tensor there; from 13 it is optional and left out.
   */
  private static void resize(OnnxEmitter out, Node n, Resize r) {
    String roi = out.opset() < 13 ? out.floats(n.name() + "/roi", new int[] {0}) : "";
    String scales = out.floats(n.name() + "/scales", new int[] {4}, 1, 1, (float) r.scaleH(), (float) r.scaleW());
    var node = out.node("Resize", List.of(n.inputs().get(0), roi, scales), n.name())
        .addAttribute(string("mode", r.mode()))
        .addAttribute(string("coordinate_transformation_mode", r.coordinates()));
    if (Resize.NEAREST.equals(r.mode())) {
      node.addAttribute(string("nearest_mode", "floor"));
    }
  }

  /**
   * Softmax over the channels. From opset 13 that is {@code axis=1}; before, ONNX flattened every
   * axis from {@code axis} on into one, so a [C, H, W] sample goes through a Transpose that puts the
   * channels last, the softmax over the last axis alone, and the Transpose back.
   */
  private static void softmax(OnnxEmitter out, Node n, String onnxOp) {
    String x = n.inputs().get(0);
    int rank = out.shape(x).rank() + 1;
    if (out.opset() >= 13 || rank == 2) {
      out.node(onnxOp, List.of(x), n.name()).addAttribute(integer("axis", 1));
      return;
    }
    long[] toLast = new long[rank];
    long[] back = new long[rank];
    for (int i = 0; i < rank; i++) {
      toLast[i] = i == 0 ? 0 : i == rank - 1 ? 1 : i + 1;
      back[i] = i == 0 ? 0 : i == 1 ? rank - 1 : i - 1;
    }
    String last = out.fresh(n.name() + "/channels_last");
    String soft = out.fresh(n.name() + "/" + onnxOp);
    out.node("Transpose", List.of(x), last).addAttribute(ints("perm", toLast));
    out.node(onnxOp, List.of(last), soft).addAttribute(integer("axis", rank - 1));
    out.node("Transpose", List.of(soft), n.name()).addAttribute(ints("perm", back));
  }
}
