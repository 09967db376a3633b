package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.topiary.engine.graph.Conv;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which libtorch kernel a float32 convolution on the CPU runs through: oneDNN with the input in
 * contiguous (NCHW) memory order, oneDNN on channels-last (NHWC) input, or libtorch's im2col-and-gemm
 * kernels ({@link ScriptedOps#slowConv2d}).
 *
 * <p>Why not always oneDNN: libtorch 2.5.1's oneDNN (v3.5.3) returns wrong values for some shapes on
 * the AMD EPYC (AVX-512) machines we develop and test on. Its reorders into blocked layouts whose
 * channel count is not a multiple of the block zero part of the real values in the padded tail block
 * (a [24, 24, 3, 3] weight reordered to 16x16 blocks and back loses input channels 16 to 23 at some
 * kernel positions), and the convolution is off by 4% to 60% of its scale. Which shapes are hit
 * depends on the blocking oneDNN picks, hence on the memory order, batch, channels and instruction
 * set, and the same shape can be right in one order and wrong in the other: in NCHW order the 3x3
 * convs reading 24 or 35 channels at batch 2 of the matting fixtures (channels-last off) and the
 * stride-2 24 to 32 of yolo's backbone; in NHWC order the 1x1 convs writing 45 channels of yolo's
 * Detect head and the 144 to 40 with bias on 1x1 maps of MobileNetV2 with folded BN (channels-last
 * on); in backward, the input gradient of 3x3 convs in NCHW order. (The reorder's JIT kernel, run
 * alone on the same CPU, copies correctly: the zeroes come from the calls made to it.) Neither DJL
 * 0.32 nor TorchScript can turn oneDNN off, and capping its instruction set
 * (ONEDNN_MAX_CPU_ISA=AVX2) moves the failures to other shapes rather than removing them.
 *
 * <p>So the first time a configuration runs (input and weight shapes, the conv's attributes, bias,
 * whether autograd records, libtorch's thread count), {@link ScriptedOps#convCheck} computes it both
 * ways on a fixed pattern of the real input's shape ({@link #pattern}): the output and, when autograd records, the gradients of x, w and b for a
 * fixed output gradient. Two routes through different reorders that agree are trusted; when they
 * disagree (or are the same memory: one channel or one pixel, which then always runs NCHW), each is
 * compared with the slow kernels. The preferred route ({@link ConvOrderProbe#preferred()})
 * runs when it is right, else the other order, else the slow kernels. The cost is one more pass in
 * each order per configuration; the slow kernels (two to five times slower) run only where both
 * orders are wrong. A pass with autograd and one without can take different routes, and so differ
 * by float32 rounding, where a route is right forward but wrong backward.
 */
final class CpuConvRoutes {
  /** Largest difference, relative to the values' scale, between two routes that still agree. */
  static final double TOLERANCE = 1e-3;

  enum Route { NCHW, NHWC, SLOW }

  private record Key(List<Long> x, List<Long> w, Conv conv, boolean bias, boolean backward, int threads) {}

  /** The check of each configuration seen: [d, e_nchw, e_nhwc] as conv_check.pt returns them. */
  private static final Map<Key, double[]> CHECKS = new ConcurrentHashMap<>();

  /** What conv_check.pt returns as d when the input, weight or bias holds a NaN or an infinity. */
  private static final double UNJUDGED = -2;

  private CpuConvRoutes() {}

  /**
   * The route for {@code conv} on these arrays: {@code preferred} unless the check of this
   * configuration found it wrong. An input of one channel or one pixel is NCHW or SLOW: its two
   * orders are the same memory, and which one libtorch then takes depends on the strides it came
   * with, which the configuration does not hold.
   */
  static Route route(Conv conv, NDArray x, NDArray w, NDArray bias, Route preferred, boolean backward) {
    if (backward && crashesOneDnn(conv, w)) {
      return Route.SLOW;
    }
    boolean one = oneOrder(x);
    boolean nchwTrusted = one || tailFree(w, conv.groups());
    Route first = nchwTrusted ? preferred : Route.NHWC;
    Key key = new Key(dims(x), dims(w), conv, bias != null, backward, JniUtils.getNumThreads());
    double[] check = CHECKS.get(key);
    if (check == null) {
      try (NDManager sub = x.getManager().newSubManager()) {
        check = checkTwice(pattern(sub, x, 0.1f), pattern(sub, w, 0.3f), bias == null ? null : pattern(sub, bias, 0.5f),
            params(conv, backward));
      }
      if (check[0] == UNJUDGED) {
        return one ? Route.NCHW : first; // NaN or infinite values: check on a later input
      }
      CHECKS.put(key, check);
    }
    return one ? choose(check, Route.NCHW, false) : choose(check, first, nchwTrusted);
  }

  /**
   * What a configuration is checked on: a fixed pattern of {@code like}'s shape and device
   * ({@code sin(0.7549 i + phase)}, no random generator touched), not the data at hand. On the real
   * input, the first batch a process happened to see decided borderline checks: a fine-tune service
   * restarted mid-job routed some convs differently from the process before it, and its jobs' L1
   * cuts then kept other channels (the chaos harness, 2026-12-07: 4 of 20 rounds, the same rounds in
   * two runs). A pattern makes the route depend on the configuration, not on the data; it has no zeros (a
   * ReLU's output can hide a wrong kernel position) and no NaN.
   */
  static NDArray pattern(NDManager m, NDArray like, float phase) {
    return m.arange(0f, (float) like.size(), 1f, DataType.FLOAT32, like.getDevice()).mul(0.7548777f).add(phase).sin()
        .reshape(like.getShape());
  }

  /** oneDNN's channel block on AVX-512 (AVX2's is 8, which 16 also divides). */
  static final int CHANNEL_BLOCK = 16;

  /**
   * Whether the conv's input and output channels both fill whole oneDNN channel blocks, so that
   * its NCHW route reorders into blocked layouts without a padded tail. With a tail, the NCHW route
   * is not trusted even when its check agrees: in a pruned ResNet-20 at batch 500, 3x3 convs reading
   * 24 or 56 channels in NCHW order were off by 7% to 30% (or NaN) on every later call in about one
   * process of four, after both checks of the configuration had found them right (a training run
   * then diverged to NaN with channels-last off). No failure of either order has been seen without a
   * tail. Such a conv runs NHWC when its check is right, else the slow kernels.
   */
  static boolean tailFree(NDArray w, int groups) {
    return tailFree(w.getShape().get(1) * groups, w.getShape().get(0));
  }

  /** Whether a conv reading {@code in} channels and writing {@code out} leaves no partial block. */
  static boolean tailFree(long in, long out) {
    return out % CHANNEL_BLOCK == 0 && in % CHANNEL_BLOCK == 0;
  }

  /**
   * Whether oneDNN's weight gradient of this conv would crash the process, so that it cannot even be
   * checked: on these AVX-512 hosts, {@code jit_avx512_common_1x1_convolution_bwd_weights} corrupts
   * the heap (SIGSEGV, "double free or corruption") for a strided 1x1 conv reading 2 to 15 channels,
   * at some map sizes: probed one process per shape, in both orders, at 1 and 2 threads, it crashed
   * for 3, 4, 5, 7, 8, 12 and 15 channels at 28x28 and 32x32 with stride 2 (batch 2 to 32, 8 to 32
   * output channels), and not for 1, 16, 17, 20 to 100 channels, stride 1, a 3x3 kernel, or the
   * forward pass. An imported ResNet's 8-to-16 projection shortcut hit it at its first training
   * step. The rule covers every strided 1x1 conv of 2 to 15 input channels, wider than the crashes
   * seen, since a crash cannot be caught; their weight gradients then come from libtorch's own kernels.
   */
  static boolean crashesOneDnn(Conv conv, NDArray w) {
    long in = w.getShape().get(1) * conv.groups();
    boolean oneByOne = conv.kernel().h() == 1 && conv.kernel().w() == 1;
    boolean strided = conv.stride().h() > 1 || conv.stride().w() > 1;
    return oneByOne && strided && in > 1 && in < 16;
  }

  /**
   * The check, run twice, a route counted wrong if either run found it wrong. oneDNN can answer a
   * configuration right the first time it runs it in a process and wrong from then on: the input
   * gradient of a 3x3 conv reading 16 channels in NCHW order (ConvNumericsTest) agreed with NHWC in
   * 1 of 200 checks (the first) and was 0.2 off in the other 199, so a check that happened to be that
   * first call trusted NCHW for every later pass.
   */
  static double[] checkTwice(NDArray x, NDArray w, NDArray bias, double[] params) {
    double[] first = ScriptedOps.convCheck(x, w, bias, params);
    double[] second = ScriptedOps.convCheck(x, w, bias, params);
    if (first[0] == UNJUDGED || second[0] == UNJUDGED) {
      return first[0] == UNJUDGED ? first : second;
    }
    // not computed is -1, below every difference
    return new double[] {Math.max(first[0], second[0]), Math.max(first[1], second[1]), Math.max(first[2], second[2])};
  }

  /** Whether the NCHW and NHWC orders of x are the same memory: one channel, or one pixel. */
  static boolean oneOrder(NDArray x) {
    return x.getShape().get(1) == 1 || x.getShape().get(2) * x.getShape().get(3) == 1;
  }

  /**
   * The route a check leads to: the preferred one when it is right, else (with {@code bothOrders})
   * the other order, else SLOW. Without {@code bothOrders} only the preferred order is considered:
   * an input whose two orders are one memory, or a conv whose NCHW route is not trusted
   * ({@link #tailFree}), which then comes here preferring NHWC.
   */
  static Route choose(double[] check, Route preferred, boolean bothOrders) {
    double nchw = check[1];
    double nhwc = check[2];
    if (nchw < 0 && nhwc < 0) {
      return preferred; // the two orders agree
    }
    Route other = preferred == Route.NHWC ? Route.NCHW : Route.NHWC;
    for (Route r : bothOrders ? new Route[] {preferred, other} : new Route[] {preferred}) {
      if ((r == Route.NHWC ? nhwc : nchw) <= TOLERANCE) {
        return r;
      }
    }
    return Route.SLOW;
  }

  /** The conv's stride, padding, dilation and groups as the scripted modules take them, then backward and the tolerance. */
  static double[] params(Conv c, boolean backward) {
    return new double[] {c.stride().h(), c.stride().w(), c.padding().h(), c.padding().w(), c.dilation().h(),
        c.dilation().w(), c.groups(), backward ? 1 : 0, TOLERANCE};
  }

  private static List<Long> dims(NDArray a) {
    return java.util.Arrays.stream(a.getShape().getShape()).boxed().toList();
  }
}
