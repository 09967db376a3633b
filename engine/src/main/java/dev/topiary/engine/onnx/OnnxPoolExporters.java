package dev.topiary.engine.onnx;

import static dev.topiary.engine.onnx.OnnxEmitter.integer;
import static dev.topiary.engine.onnx.OnnxEmitter.ints;
import static dev.topiary.engine.onnx.OnnxNodeExporters.pads;

import ai.onnx.proto.OnnxMl.NodeProto;
import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.TensorShape;
import java.util.List;

/**
 * Exporters of the pooling ops for {@link OnnxNodeExporters}' table. The IR pools as PyTorch does;
 * in ceil mode ONNX Runtime 1.20 differs at the right edge (an extra window, another divisor), so
 * these exporters add what brings its results back to PyTorch's, and nothing where they agree.
 */
final class OnnxPoolExporters {
  private OnnxPoolExporters() {}

  static void maxPool(Node n, OnnxEmitter out) {
    MaxPool p = (MaxPool) n.op();
    pool(out, n, "MaxPool", n.name(), p.kernel(), p.stride(), p.padding(), p.ceilMode())
        .addAttribute(integer("ceil_mode", p.ceilMode() ? 1 : 0));
  }

  /**
   * In ceil mode a last window may reach past the right padding. PyTorch counts the padding in its
   * divisor but not what lies beyond; ONNX Runtime 1.20, counting the padding, divides by the whole
   * kernel. There the pool's output is rescaled by a constant map of kernel size over PyTorch's
   * window size. (Not a Pad before a pool that does not count padding: ONNX Runtime's Pad fusion
   * turns that into this very pool.)
   */
  static void averagePool(Node n, OnnxEmitter out) {
    AveragePool p = (AveragePool) n.op();
    float[] rescale = p.ceilMode() && p.countIncludePad() ? rescale(out, n, p) : null;
    String pooled = rescale == null ? n.name() : out.fresh(n.name() + "/by_kernel");
    pool(out, n, "AveragePool", pooled, p.kernel(), p.stride(), p.padding(), p.ceilMode())
        .addAttribute(integer("ceil_mode", p.ceilMode() ? 1 : 0))
        .addAttribute(integer("count_include_pad", p.countIncludePad() ? 1 : 0));
    if (rescale != null) {
      TensorShape s = out.shape(n.name());
      String map = out.floats(n.name() + "/rescale", new int[] {s.height(), s.width()}, rescale);
      out.node("Mul", List.of(pooled, map), n.name());
    }
  }

  /** Kernel size over PyTorch's divisor at each output position; null where they agree everywhere. */
  private static float[] rescale(OnnxEmitter out, Node n, AveragePool p) {
    TensorShape in = out.shape(n.inputs().get(0));
    TensorShape o = out.shape(n.name());
    double[] rows = kernelOverWindow(in.height(), o.height(), p.kernel().h(), p.stride().h(), p.padding().h());
    double[] cols = kernelOverWindow(in.width(), o.width(), p.kernel().w(), p.stride().w(), p.padding().w());
    if (rows == null && cols == null) {
      return null;
    }
    float[] map = new float[o.height() * o.width()];
    for (int y = 0; y < o.height(); y++) {
      for (int x = 0; x < o.width(); x++) {
        map[y * o.width() + x] = (float) ((rows == null ? 1 : rows[y]) * (cols == null ? 1 : cols[x]));
      }
    }
    return map;
  }

  /** Per output position along one axis: kernel / (window clipped to the padded input); null if all 1. */
  private static double[] kernelOverWindow(int in, int outLength, int kernel, int stride, int pad) {
    double[] f = new double[outLength];
    boolean clipped = false;
    for (int i = 0; i < outLength; i++) {
      int start = i * stride - pad;
      int window = Math.min(start + kernel, in + pad) - start;
      f[i] = (double) kernel / window;
      clipped |= window < kernel;
    }
    return clipped ? f : null;
  }

  /**
   * A pooling node with its window attributes, writing tensor {@code output}. In ceil mode PyTorch
   * drops a last window that would start in the right padding, ONNX Runtime (1.20) keeps it: then
   * the pool writes a tensor of its own and a Slice cuts the extra row or column.
   */
  private static NodeProto.Builder pool(OnnxEmitter out, Node n, String onnxOp, String output, Hw kernel, Hw stride,
      Hw pad, boolean ceil) {
    TensorShape in = out.shape(n.inputs().get(0));
    TensorShape want = out.shape(n.name());
    boolean surplus = ceil && (onnxCeilLength(in.height(), kernel.h(), stride.h(), pad.h()) > want.height()
        || onnxCeilLength(in.width(), kernel.w(), stride.w(), pad.w()) > want.width());
    String pooled = surplus ? out.fresh(n.name() + "/ceil") : output;
    NodeProto.Builder node = out.node(onnxOp, n.inputs(), pooled)
        .addAttribute(ints("kernel_shape", kernel.h(), kernel.w()))
        .addAttribute(ints("strides", stride.h(), stride.w()))
        .addAttribute(pads(pad));
    if (surplus) {
      out.node("Slice", List.of(pooled, out.longs(n.name() + "/starts", 0, 0),
          out.longs(n.name() + "/ends", want.height(), want.width()), out.longs(n.name() + "/axes", 2, 3)), output);
    }
    return node;
  }

  /** ONNX's ceil-mode output length: ceil((in + 2 pad - kernel) / stride) + 1. */
  private static int onnxCeilLength(int in, int kernel, int stride, int pad) {
    return Math.floorDiv(in + 2 * pad - kernel + stride - 1, stride) + 1;
  }
}
