package dev.topiary.engine.exec;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.LeakyRelu;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel of every {@link OpType}, following PyTorch's semantics (the reference the zoo's
 * published weights were trained with). The ops that ONNX import brings are in {@link
 * ImportedKernels}.
 */
final class OpKernels {
  private static final Map<OpType, OpKernel> KERNELS = registry();

  private OpKernels() {}

  /** The kernel for an op type; every type of the IR has one. */
  static OpKernel of(OpType type) {
    OpKernel k = KERNELS.get(type);
    if (k == null) {
      throw new UnsupportedOperatorException("no execution kernel for op " + type.jsonName());
    }
    return k;
  }

  private static Map<OpType, OpKernel> registry() {
    Map<OpType, OpKernel> m = new EnumMap<>(OpType.class);
    m.put(OpType.CONV, OpKernels::conv);
    m.put(OpType.BATCH_NORMALIZATION, OpKernels::batchNorm);
    m.put(OpType.RELU, (op, in, p, t) -> Activation.relu(in.get(0)));
    m.put(OpType.CLIP, OpKernels::clip);
    m.put(OpType.LEAKY_RELU, (op, in, p, t) -> Activation.leakyRelu(in.get(0), (float) ((LeakyRelu) op).alpha()));
    m.put(OpType.SIGMOID, (op, in, p, t) -> Activation.sigmoid(in.get(0)));
    m.put(OpType.SILU, OpKernels::silu);
    m.put(OpType.HARD_SWISH, OpKernels::hardSwish);
    m.put(OpType.MAX_POOL, OpKernels::maxPool);
    m.put(OpType.AVERAGE_POOL, OpKernels::averagePool);
    m.put(OpType.GLOBAL_AVERAGE_POOL, OpKernels::globalAveragePool);
    m.put(OpType.ADD, OpKernels::add);
    m.put(OpType.CONCAT, (op, in, p, t) -> NDArrays.concat(new NDList(in), 1));
    m.put(OpType.FLATTEN, (op, in, p, t) -> in.get(0).reshape(in.get(0).getShape().get(0), -1));
    m.put(OpType.GEMM, (op, in, p, t) -> Linear.linear(in.get(0), p.get(ParamRole.WEIGHT), p.get(ParamRole.BIAS)).head());
    m.put(OpType.DROPOUT, OpKernels::dropout);
    m.put(OpType.UPSAMPLE, OpKernels::upsampleNearest);
    m.put(OpType.IDENTITY, (op, in, p, t) -> in.get(0));
    m.put(OpType.ZERO_PAD_SHORTCUT, OpKernels::zeroPadShortcut);
    ImportedKernels.register(m);
    return m;
  }

  private static Shape shape(Hw hw) {
    return new Shape(hw.h(), hw.w());
  }

  /**
   * torch.nn.functional.conv2d. On the CPU the input goes in the memory order the pass prefers
   * ({@link ConvOrderProbe#preferred()}: channels-last, contiguous, or the faster of the two for
   * the graph, {@link ConvOrder}). In channels-last order the output, and the activations, pooling,
   * batch norm and adds after it, keep that order, so the copy happens once, at the first
   * convolution with more than one input channel (one input channel has no order to choose). The
   * values are those of the NCHW convolution within float32 rounding; weights stay NCHW.
   *
   * <p>A float32 convolution on the CPU runs in the memory order {@link CpuConvRoutes} found right
   * for its shapes: libtorch 2.5.1's oneDNN computes some shapes wrong in one order or the other
   * (or both: then libtorch's slower im2col kernels). The order is set here, explicitly, for the
   * check and the run alike.
   */
  private static NDArray conv(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    Conv c = (Conv) op;
    NDArray x = in.get(0);
    if (x.getShape().dimension() != 4 || !x.getDevice().getDeviceType().equals(Device.Type.CPU)
        || !ScriptedOps.isTorchArray(x) || x.getDataType() != DataType.FLOAT32) {
      return conv2d(c, x, p);
    }
    CpuConvRoutes.Route preferred = x.getShape().get(1) >= 2 ? ConvOrderProbe.preferred() : CpuConvRoutes.Route.NCHW;
    NDArray w = p.get(ParamRole.WEIGHT);
    NDArray b = p.get(ParamRole.BIAS);
    switch (CpuConvRoutes.route(c, x, w, b, preferred, GradMode.isEnabled())) {
      case NHWC -> {
        // a handle of its own (on x's storage when x already is channels-last): closed here, or a pass
        // without autograd would keep every copy until the caller's manager closes; autograd holds its own
        try (NDArray nhwc = ScriptedOps.channelsLast(x)) {
          return conv2d(c, nhwc, p);
        }
      }
      case NCHW -> {
        // contiguous NCHW, as the check ran it: views of x when it already is, else one copy
        // (a channels-last array, a channel slice)
        try (NDArray flat = x.reshape(-1); NDArray nchw = flat.reshape(x.getShape())) {
          return conv2d(c, nchw, p);
        }
      }
      default -> {
        return ScriptedOps.slowConv2d(x, w, b, CpuConvRoutes.params(c, false));
      }
    }
  }

  private static NDArray conv2d(Conv c, NDArray x, OpKernel.Params p) {
    return Conv2d.conv2d(x, p.get(ParamRole.WEIGHT), p.get(ParamRole.BIAS),
            shape(c.stride()), shape(c.padding()), shape(c.dilation()), c.groups())
        .head();
  }

  /**
   * torch.nn.functional.batch_norm. In training libtorch normalises with the batch statistics and
   * updates the running buffers in place (unbiased batch variance).
   *
   * <p>Called through JniUtils: DJL's {@code BatchNorm.batchNorm} with axis 1 wraps the same call
   * in two (identity) transposes, which also land in the autograd graph, and a sub-manager. The
   * momentum and epsilon are the values DJL passes: its momentum is MXNet's (the weight of the old
   * value) as a float, so PyTorch's momentum m goes through {@code 1 - (float) (1 - m)}.
   */
  private static NDArray batchNorm(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    BatchNormalization bn = (BatchNormalization) op;
    float djlMomentum = (float) (1 - bn.momentum());
    return JniUtils.batchNorm(pt(in.get(0)), pt(p.get(ParamRole.RUNNING_MEAN)), pt(p.get(ParamRole.RUNNING_VAR)),
        pt(p.get(ParamRole.GAMMA)), pt(p.get(ParamRole.BETA)), training, 1f - djlMomentum, (float) bn.epsilon());
  }

  private static PtNDArray pt(NDArray array) {
    return (PtNDArray) array;
  }

  /**
   * Clamp to [min, max]. When autograd records, through hardtanh (same values) for its one-pass
   * backward: clamp's costs four passes, 10-20% of a MobileNetV2 training step.
   */
  private static NDArray clip(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    Clip c = (Clip) op;
    NDArray x = in.get(0);
    // not DJL's clip: it leaves its two bounds, as scalar arrays, in the input's manager on every call
    return ScriptedOps.hardtanh(x, c.min(), c.max());
  }

  /*
   * Kernels close their temporaries: libtorch's autograd keeps its own references to what backward
   * needs, so closing the Java handle only stops the arrays piling up in the caller's manager.
   */

  /**
   * torch.nn.SiLU: libtorch's own kernel on libtorch arrays (one pass forward and back, where x *
   * sigmoid(x) took two forward and five back: YOLOv5's every activation), else the composite.
   */
  private static NDArray silu(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    NDArray x = in.get(0);
    if (ScriptedOps.isTorchArray(x)) {
      return ScriptedOps.silu(x);
    }
    try (NDArray gate = Activation.sigmoid(x)) {
      return x.mul(gate);
    }
  }

  /** torch.nn.Hardswish, libtorch's kernel (forward and backward). */
  private static NDArray hardSwish(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    return ScriptedOps.hardswish(in.get(0));
  }

  private static NDArray maxPool(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    MaxPool mp = (MaxPool) op;
    NDArray x = in.get(0);
    if (!GradMode.isEnabled() && tiles(mp, x.getShape())) {
      return tiledMax(x, mp.kernel());
    }
    return Pool.maxPool2d(x, shape(mp.kernel()), shape(mp.stride()), shape(mp.padding()), mp.ceilMode());
  }

  /** Largest window (kh * kw) pooled by {@link #tiledMax}: each position costs one elementwise maximum. */
  private static final int MAX_TILE = 9;

  /**
   * Whether the windows tile the input: stride equal to the kernel, no padding, and no partial
   * window kept by ceil mode; then max pooling is the maximum of the kernel's strided views.
   */
  static boolean tiles(MaxPool mp, Shape x) {
    Hw k = mp.kernel();
    if (x.dimension() != 4 || !k.equals(mp.stride()) || mp.padding().h() != 0 || mp.padding().w() != 0
        || k.h() * k.w() > MAX_TILE || k.h() * k.w() < 2 || x.get(2) < k.h() || x.get(3) < k.w()) {
      return false;
    }
    return !mp.ceilMode() || (x.get(2) % k.h() == 0 && x.get(3) % k.w() == 0);
  }

  /**
   * Non-overlapping max pooling as the elementwise maximum of the kernel's kh * kw strided views
   * (rows and columns beyond the last whole window dropped, as max_pool2d's floor mode does): the
   * same values, NaN included, several times faster in libtorch 2.5.1 on CPU than its max_pool2d
   * (LeNet-5's first pool, 128x6x28x28: 0.5 ms against 2.2 ms; bench/lenet-ops). Inference only:
   * autograd through maximum splits the gradient between tied values, max_pool2d's gives it to one.
   */
  static NDArray tiledMax(NDArray x, Hw k) {
    long oh = x.getShape().get(2) / k.h();
    long ow = x.getShape().get(3) / k.w();
    NDArray first = null;
    NDArray out = null;
    for (int i = 0; i < k.h(); i++) {
      for (int j = 0; j < k.w(); j++) {
        NDArray view = x.get("..., {}:{}:{}, {}:{}:{}", i, i + (oh - 1) * k.h() + 1, k.h(), j, j + (ow - 1) * k.w() + 1, k.w());
        if (first == null) {
          first = view;
          continue;
        }
        NDArray next = (out == null ? first : out).maximum(view);
        view.close();
        if (out != null) {
          out.close();
        }
        out = next;
      }
    }
    first.close();
    return out; // tiles() asks for two positions at least
  }

  /**
   * torch.nn.AvgPool2d. DJL 0.32's PyTorch avgPool ignores count_include_pad = false (it always
   * counts the padding), so that case divides the padded average by the share of each window that
   * lies inside the input: the same pooling applied to ones.
   */
  private static NDArray averagePool(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    AveragePool ap = (AveragePool) op;
    NDArray x = in.get(0);
    NDArray padded = Pool.avgPool2d(x, shape(ap.kernel()), shape(ap.stride()), shape(ap.padding()), ap.ceilMode(), true);
    if (ap.countIncludePad() || (ap.padding().h() == 0 && ap.padding().w() == 0)) {
      return padded;
    }
    Shape s = x.getShape();
    try (padded;
        NDArray ones = x.getManager().ones(new Shape(1, 1, s.get(2), s.get(3)), x.getDataType(), x.getDevice());
        NDArray inside = Pool.avgPool2d(ones, shape(ap.kernel()), shape(ap.stride()), shape(ap.padding()), ap.ceilMode(), true)) {
      return padded.div(inside);
    }
  }

  /** [N, C, H, W] to [N, C, 1, 1], as ONNX GlobalAveragePool (DJL's drops the unit axes). */
  private static NDArray globalAveragePool(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    Shape s = in.get(0).getShape();
    try (NDArray pooled = Pool.globalAvgPool2d(in.get(0))) {
      return pooled.reshape(s.get(0), s.get(1), 1, 1);
    }
  }

  /** The sum of every input, broadcast as torch does (a [1, C, 1, 1] constant, a gate). */
  private static NDArray add(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    NDArray sum = in.get(0).add(in.get(1));
    for (int i = 2; i < in.size(); i++) {
      NDArray next = in.get(i);
      if (fitsInto(next.getShape(), sum.getShape())) {
        sum.addi(next); // add's backward does not read its output, so accumulating in place is safe
      } else { // the sum so far is the smaller: in place cannot grow it
        NDArray grown = sum.add(next);
        sum.close();
        sum = grown;
      }
    }
    return sum;
  }

  /** Whether an array of shape {@code part} broadcasts to {@code whole} without growing it. */
  private static boolean fitsInto(Shape part, Shape whole) {
    for (int d = 0; d < whole.dimension(); d++) {
      if (part.get(d) != whole.get(d) && part.get(d) != 1) {
        return false;
      }
    }
    return true;
  }

  private static NDArray dropout(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    double ratio = ((dev.topiary.engine.graph.Dropout) op).ratio();
    if (!training || ratio == 0) {
      return in.get(0);
    }
    if (ConvOrderProbe.probing()) {
      // a pass that only times the memory orders draws no random numbers: the caller's seeded
      // stream (the dropout masks of its real passes) stays as it would be without the probe
      return in.get(0).mul(1 / (1 - ratio));
    }
    return Dropout.dropout(in.get(0), (float) ratio, true).head();
  }

  /** Nearest neighbour by an integer factor: every pixel becomes a scale x scale block. */
  private static NDArray upsampleNearest(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    int s = ((Upsample) op).scale();
    if (s == 1) {
      return in.get(0);
    }
    try (NDArray rows = in.get(0).repeat(2, s)) {
      return rows.repeat(3, s);
    }
  }

  /** x[:, :, ::s, ::s] with padBefore zero channels in front and padAfter behind. */
  private static NDArray zeroPadShortcut(Op op, List<NDArray> in, OpKernel.Params p, boolean training) {
    ZeroPadShortcut z = (ZeroPadShortcut) op;
    NDArray x = in.get(0);
    NDArray sub = z.stride() == 1 ? x : x.get("..., ::{}, ::{}", z.stride(), z.stride());
    if (z.padBefore() == 0 && z.padAfter() == 0) {
      return sub;
    }
    Shape s = sub.getShape();
    NDList parts = new NDList(3);
    if (z.padBefore() > 0) {
      parts.add(x.getManager().zeros(new Shape(s.get(0), z.padBefore(), s.get(2), s.get(3)), x.getDataType(), x.getDevice()));
    }
    parts.add(sub);
    if (z.padAfter() > 0) {
      parts.add(x.getManager().zeros(new Shape(s.get(0), z.padAfter(), s.get(2), s.get(3)), x.getDataType(), x.getDevice()));
    }
    NDArray out = NDArrays.concat(parts, 1);
    for (NDArray part : parts) {
      if (part != x) {
        part.close();
      }
    }
    return out;
  }
}
