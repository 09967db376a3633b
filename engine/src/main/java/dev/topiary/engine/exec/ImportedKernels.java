package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Reshape;
import dev.topiary.engine.graph.Resize;
import dev.topiary.engine.graph.Slice;
import java.util.List;
import java.util.Map;

/**
 * The kernels of the ops that graphs imported from ONNX bring: Mul, Sub and Div (broadcasting as
 * torch does), Constant, HardSigmoid, InstanceNormalization, Pad, Slice, Reshape, Resize, Softmax
 * and LogSoftmax. PyTorch's semantics, as {@link OpKernels}, whose table they join; each one runs
 * under autograd (its gradient is libtorch's). Stateless.
 */
final class ImportedKernels {
  private ImportedKernels() {}

  static void register(Map<OpType, OpKernel> m) {
    m.put(OpType.MUL, (op, in, p, t) -> in.get(0).mul(in.get(1)));
    m.put(OpType.SUB, (op, in, p, t) -> in.get(0).sub(in.get(1)));
    m.put(OpType.DIV, (op, in, p, t) -> in.get(0).div(in.get(1)));
    m.put(OpType.CONSTANT, ImportedKernels::constant);
    m.put(OpType.HARD_SIGMOID, ImportedKernels::hardSigmoid);
    m.put(OpType.INSTANCE_NORMALIZATION, ImportedKernels::instanceNorm);
    m.put(OpType.PAD, ImportedKernels::pad);
    m.put(OpType.SLICE, (op, in, p, t) -> in.get(0).get(":, {}:{}", ((Slice) op).start(), ((Slice) op).end()));
    m.put(OpType.RESHAPE, (op, in, p, t) -> in.get(0).reshape(batched(in.get(0).getShape().get(0), ((Reshape) op).shape().toArray())));
    m.put(OpType.RESIZE, ImportedKernels::resize);
    m.put(OpType.SOFTMAX, (op, in, p, t) -> in.get(0).softmax(1));
    m.put(OpType.LOG_SOFTMAX, (op, in, p, t) -> in.get(0).logSoftmax(1));
  }

  private static Shape batched(long batch, int[] perSample) {
    long[] d = new long[perSample.length + 1];
    d[0] = batch;
    for (int i = 0; i < perSample.length; i++) {
      d[i + 1] = perSample[i];
    }
    return new Shape(d);
  }

  /**
   * The VALUE buffer as a batch of one, broadcast by the arithmetic after it. A new handle on the
   * buffer's storage, never the parameter array itself: the executor closes intermediates after
   * their last reader.
   */
  private static NDArray constant(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    return p.get(ParamRole.VALUE).reshape(batched(1, ((Constant) op).shape().toArray()));
  }

  /**
   * hardtanh(alpha * x + beta, 0, 1): the values of max(0, min(1, .)) and the gradient of
   * torch.nn.Hardsigmoid (alpha strictly between the bounds, 0 at and beyond them).
   */
  private static NDArray hardSigmoid(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    HardSigmoid h = (HardSigmoid) op;
    try (NDArray scaled = in.get(0).mul((float) h.alpha()); NDArray shifted = scaled.add((float) h.beta())) {
      return ScriptedOps.hardtanh(shifted, 0, 1);
    }
  }

  /**
   * torch.nn.InstanceNorm2d(affine=True): libtorch's layer_norm over the last two axes normalises
   * each sample's channel over H and W with the biased variance, in one fused kernel; the
   * per-channel gamma and beta follow (layer_norm's own affine is per pixel).
   */
  private static NDArray instanceNorm(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    NDArray x = in.get(0);
    Shape s = x.getShape();
    Shape hw = new Shape(s.get(2), s.get(3));
    Shape perChannel = new Shape(1, s.get(1), 1, 1);
    try (NDArray ones = x.getManager().ones(hw, x.getDataType(), x.getDevice());
        NDArray zeros = x.getManager().zeros(hw, x.getDataType(), x.getDevice());
        NDArray normed = JniUtils.layerNorm(pt(x), hw, pt(ones), pt(zeros), ((InstanceNormalization) op).epsilon());
        NDArray gamma = p.get(ParamRole.GAMMA).reshape(perChannel);
        NDArray beta = p.get(ParamRole.BETA).reshape(perChannel);
        NDArray scaled = normed.mul(gamma)) {
      return scaled.add(beta);
    }
  }

  /** torch.nn.functional.pad(x, [left, right, top, bottom]) with zeros. */
  private static NDArray pad(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    Pad pad = (Pad) op;
    if (pad.top() == 0 && pad.left() == 0 && pad.bottom() == 0 && pad.right() == 0) {
      return in.get(0);
    }
    return in.get(0).pad(new Shape(pad.left(), pad.right(), pad.top(), pad.bottom()), 0);
  }

  /**
   * ONNX Resize, which is torch.nn.functional.interpolate(x, scale_factor=s): an output pixel's
   * source coordinate is ONNX's transform of it with 1 / scale (exactly, also where in * scale is
   * not whole). Nearest by an integral factor repeats pixels; otherwise the rows, then the columns,
   * are mixed by a matrix of interpolation weights built here ({@code out = Rows . x . Cols^T}),
   * which autograd differentiates like any matmul. Not libtorch's interpolate through DJL 0.32: its
   * bilinear mode is anti-aliased (different values when shrinking, and with align_corners).
   */
  private static NDArray resize(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    Resize r = (Resize) op;
    NDArray x = in.get(0);
    if (r.scaleH() == 1 && r.scaleW() == 1) {
      return x; // every coordinate transform maps pixel i to pixel i
    }
    if (Resize.NEAREST.equals(r.mode()) && wholeFactor(r.scaleH()) && wholeFactor(r.scaleW())) {
      try (NDArray rows = x.repeat(2, (long) r.scaleH())) {
        return rows.repeat(3, (long) r.scaleW());
      }
    }
    int h = (int) x.getShape().get(2);
    int w = (int) x.getShape().get(3);
    int outH = (int) Math.floor(h * r.scaleH());
    int outW = (int) Math.floor(w * r.scaleW());
    try (NDArray rows = onDevice(x, ResizeWeights.matrix(r, h, outH, r.scaleH(), false), new Shape(outH, h));
        NDArray cols = onDevice(x, ResizeWeights.matrix(r, w, outW, r.scaleW(), true), new Shape(w, outW));
        NDArray wide = x.matMul(cols)) {
      return rows.matMul(wide); // [outH, h] times [N, C, h, outW], broadcast over N and C
    }
  }

  /** A float32 array of these values on {@code like}'s device, in its manager. */
  private static NDArray onDevice(NDArray like, float[] values, Shape shape) {
    NDArray a = like.getManager().create(values, shape);
    if (a.getDevice().equals(like.getDevice())) {
      return a;
    }
    try (a) {
      return a.toDevice(like.getDevice(), true);
    }
  }

  private static boolean wholeFactor(double scale) {
    return scale >= 1 && scale == Math.rint(scale);
  }

  private static PtNDArray pt(NDArray array) {
    return (PtNDArray) array;
  }
}
