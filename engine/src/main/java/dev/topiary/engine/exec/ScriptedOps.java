package dev.topiary.engine.exec;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * libtorch functions that DJL 0.32 does not expose, run through small TorchScript modules bundled
 * as resources (written by {@code bench/torchscript_ops.py}). The modules hold no tensors; each is
 * loaded once per process, on first use. Hardtanh is called with the caller's grad mode, so
 * autograd records the function's own backward.
 */
public final class ScriptedOps {
  private ScriptedOps() {}

  /**
   * torch.nn.functional.hardtanh(x, min, max): the values of {@code clip(min, max)}, with
   * hardtanh's backward (one pass; the gradient is zero at the bounds, as for torch's ReLU6). DJL's
   * clip is torch.clamp, whose backward is four passes over the tensor.
   */
  static NDArray hardtanh(NDArray x, double min, double max) {
    // the bounds are CPU scalars whatever x's device: the module reads them with float(), which on a
    // GPU scalar would wait for the device
    try (NDArray lo = Bounds.MANAGER.create(min); NDArray hi = Bounds.MANAGER.create(max)) {
      return call(Hardtanh.MODULE, x, lo, hi);
    }
  }

  /** torch.nn.functional.hardswish(x): libtorch's forward and its one-pass backward. */
  static NDArray hardswish(NDArray x) {
    return call(Hardswish.MODULE, x);
  }

  /** torch.nn.functional.silu(x): libtorch's one-pass forward and backward (the composite x * sigmoid(x) takes five passes back). */
  static NDArray silu(NDArray x) {
    return call(Silu.MODULE, x);
  }

  /**
   * {@code x.contiguous(memory_format=torch.channels_last)}: the same logical {@code [N, C, H, W]}
   * array with NHWC strides; {@code x} itself when it already has them. Autograd sees a copy (its
   * gradient is the incoming one, in the other order).
   */
  static NDArray channelsLast(NDArray x) {
    return call(ChannelsLast.MODULE, x);
  }

  /**
   * torch.nn.functional.conv2d through libtorch's im2col-and-gemm kernels (thnn_conv2d,
   * slow_conv_dilated2d, a loop over groups) rather than oneDNN, with their backward; {@code params}
   * as {@link CpuConvRoutes#params}, {@code bias} null for none. Two to five times slower than oneDNN:
   * only for the convolutions whose oneDNN routes are wrong ({@link CpuConvRoutes}).
   */
  static NDArray slowConv2d(NDArray x, NDArray w, NDArray bias, double[] params) {
    NDManager m = x.getManager();
    try (NDArray xv = unnamed(x); NDArray wv = unnamed(w);
        NDArray bv = bias == null ? m.create(new float[0]) : unnamed(bias); NDArray p = m.create(params)) {
      return call(SlowConv2d.MODULE, xv, wv, bv, p);
    }
  }

  /**
   * Runs a convolution through oneDNN on NCHW and on NHWC input (with {@code params[7] == 1} also its
   * backward, for a fixed output gradient, on detached copies: nothing is recorded) and, when the
   * two disagree by more than {@code params[8]} or are the same memory, through {@link #slowConv2d}.
   * Returns {d, e_nchw, e_nhwc}: the relative difference between the two oneDNN routes and each one's
   * from the slow kernels (-1 when not computed). See {@link CpuConvRoutes}.
   */
  static double[] convCheck(NDArray x, NDArray w, NDArray bias, double[] params) {
    NDManager m = x.getManager();
    boolean backward = params[7] == 1;
    try (NDArray xv = unnamed(x); NDArray wv = unnamed(w);
        NDArray bv = bias == null ? m.create(new float[0]) : unnamed(bias); NDArray p = m.create(params);
        GradMode.Scope s = backward ? GradMode.enabled() : GradMode.disabled();
        NDArray result = call(ConvCheck.MODULE, xv, wv, bv, p)) {
      return result.toDoubleArray();
    }
  }

  /**
   * A new, nameless handle on the array (a view, in autograd too): DJL passes a named array to a
   * module as a dictionary entry when its name has a dot, as parameters' names do ({@code conv1.weight}).
   */
  private static NDArray unnamed(NDArray a) {
    return a.reshape(a.getShape());
  }

  /**
   * Runs a module's forward on arrays, under the caller's grad mode (so autograd records it in
   * training); the result is attached to the first array's manager.
   */
  private static NDArray call(PtSymbolBlock module, NDArray... in) {
    return IValueUtils.forward(module, new NDList(in), true).head();
  }

  /** Whether {@link #matrixRankSums} can rank {@code maps}: a float32 libtorch array of rank 4. */
  public static boolean canRankMaps(NDArray maps) {
    return isTorchArray(maps) && maps.getDataType() == DataType.FLOAT32 && maps.getShape().dimension() == 4;
  }

  /**
   * For a [B, C, H, W] array, the sum over the B images of the rank of each channel's [H, W] map,
   * per channel: the number of singular values above {@code S.max() * max(H, W) * eps(float32)},
   * the tolerance of {@code torch.matrix_rank} that HRank's rank_generation.py uses. The singular
   * values are the square roots of the eigenvalues of the map's Gram matrix, formed in float64 on
   * the smaller side ({@code eigvalsh}: cheaper than an SVD, and float64 resolves the squared
   * tolerance, at least {@code 1e-12 * S.max()^2}, far above its rounding). A map whose shifted
   * Gram matrix {@code G - rtol * trace(G) * I} has a Cholesky factor is full rank (every eigenvalue
   * exceeds {@code rtol * trace(G) >= rtol * max eigenvalue}) and skips the eigenvalues; the
   * certificate is tried on a chunk when it holds for at least three quarters of the chunk's first
   * image's channels (on ResNet-56 the maps before the residual add are nearly all full rank at
   * 16x16 and 8x8, and a Cholesky costs a fifth of an {@code eigvalsh}). libtorch decomposes a
   * batch of matrices one after another, so the images are split into chunks ranked in parallel on
   * the common fork-join pool and the calling thread (HRank scoring of ResNet-56 over 640 images on
   * two cores, forward included: 15.3 s with one chunk, 9.4 s with four, with float32 SVDs).
   *
   * @throws EngineException when libtorch refuses
   */
  public static long[] matrixRankSums(NDArray maps) {
    long images = maps.getShape().get(0);
    int channels = (int) maps.getShape().get(1);
    // two chunks per thread (the pool's workers and the caller): maps of one chunk can take longer
    // to converge than another's, and smaller chunks even the threads out
    int chunks = (int) Math.max(1, Math.min(images, 2L * (ForkJoinPool.getCommonPoolParallelism() + 1)));
    long[][] partial = new long[chunks][];
    IntStream range = chunks > 1 ? IntStream.range(0, chunks).parallel() : IntStream.range(0, chunks);
    range.forEach(c -> {
      long from = images * c / chunks;
      long to = images * (c + 1) / chunks;
      NDArray chunk = chunks == 1 ? maps : maps.get(from + ":" + to);
      try (IValue in = IValue.from((PtNDArray) chunk);
          IValue out = MatrixRank.MODULE.forward(in);
          NDArray sums = out.toTensor((PtNDManager) chunk.getManager())) {
        partial[c] = sums.toLongArray();
      } finally {
        if (chunk != maps) {
          chunk.close();
        }
      }
    });
    long[] total = new long[channels];
    for (long[] p : partial) {
      for (int j = 0; j < channels; j++) {
        total[j] += p[j];
      }
    }
    return total;
  }

  /**
   * One step of torch.optim.SGD over lists of float tensors, with torch's multi-tensor ({@code
   * _foreach}) kernels: {@code decayGrads += weightDecay * decayParams} (a subset of the lists: the
   * same tensors), then with momentum {@code bufs = momentum * bufs + undamped * grads} and the
   * direction {@code nesterov ? grads + momentum * bufs : bufs}, else {@code grads}; {@code params -=
   * lr * direction}; finally every gradient is zeroed. Each factor is applied as a float32 product, as
   * the per-tensor ops do, so the result is the same bit for bit. Run with autograd off.
   *
   * @throws EngineException when libtorch refuses (lists of unequal length, mixed devices)
   */
  public static void sgdStep(List<NDArray> params, List<NDArray> grads, List<NDArray> decayParams, List<NDArray> decayGrads,
      List<NDArray> bufs, float lr, float weightDecay, float momentum, float undamped, boolean nesterov) {
    List<IValue> in = new ArrayList<>(10);
    try {
      for (List<NDArray> l : List.of(params, grads, decayParams, decayGrads, bufs)) {
        in.add(list(l));
      }
      in.add(IValue.from((double) lr));
      in.add(IValue.from((double) weightDecay));
      in.add(IValue.from((double) momentum));
      in.add(IValue.from((double) undamped));
      in.add(IValue.from(nesterov));
      SgdStep.MODULE.forward(in.toArray(IValue[]::new)).close();
    } finally {
      in.forEach(IValue::close);
    }
  }

  /** Whether {@code array} is a libtorch array, which the scripted ops take (false for null). */
  public static boolean isTorchArray(NDArray array) {
    return array instanceof PtNDArray;
  }

  private static IValue list(List<NDArray> arrays) {
    return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
  }

  /** Holder: the module loads when {@link #sgdStep} is first called. */
  private static final class SgdStep {
    static final PtSymbolBlock MODULE = load("sgd_step.pt");
  }

  /** Holder: the module loads when {@link #matrixRankSums} is first called. */
  private static final class MatrixRank {
    static final PtSymbolBlock MODULE = load("matrix_rank.pt");
  }

  /** Holder: the module loads when {@link #slowConv2d} is first called. */
  private static final class SlowConv2d {
    static final PtSymbolBlock MODULE = load("slow_conv2d.pt");
  }

  /** Holder: the module loads when {@link #convCheck} is first called. */
  private static final class ConvCheck {
    static final PtSymbolBlock MODULE = load("conv_check.pt");
  }

  /** Holder: the module loads when {@link #channelsLast} is first called. */
  private static final class ChannelsLast {
    static final PtSymbolBlock MODULE = load("channels_last.pt");
  }

  /** Holder: the module loads when {@link #hardswish} is first called. */
  private static final class Hardswish {
    static final PtSymbolBlock MODULE = load("hardswish.pt");
  }

  /** Holder: the module loads when {@link #silu} is first called. */
  private static final class Silu {
    static final PtSymbolBlock MODULE = load("silu.pt");
  }

  /** Holder: where {@link #hardtanh}'s bounds live, on the CPU, for as long as the process. */
  private static final class Bounds {
    static final NDManager MANAGER = NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  /** Holder: the module loads when {@link #hardtanh} is first called. */
  private static final class Hardtanh {
    static final PtSymbolBlock MODULE = load("hardtanh.pt");
  }

  private static PtSymbolBlock load(String resource) {
    try (InputStream in = ScriptedOps.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource " + resource + " is missing from the engine jar");
      }
      // a manager of its own, never closed: the module lives as long as the process
      PtNDManager owner = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
      return JniUtils.loadModule(owner, in, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TorchScript resource " + resource, e);
    }
  }
}
