package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.topiary.engine.exec.CpuConvRoutes.Route;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Hw;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The choice of a CPU convolution's route, and the slow kernels it falls back to. */
class CpuConvRoutesTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager(ai.djl.Device.cpu());
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void takesThePreferredOrderUnlessItIsWrongThenTheOtherThenTheSlowKernels() {
    double[] agree = {1e-7, -1, -1};
    assertEquals(Route.NHWC, CpuConvRoutes.choose(agree, Route.NHWC, true));
    assertEquals(Route.NCHW, CpuConvRoutes.choose(agree, Route.NCHW, true));
    double[] nchwWrong = {0.37, 0.37, 3e-7};
    assertEquals(Route.NHWC, CpuConvRoutes.choose(nchwWrong, Route.NCHW, true));
    assertEquals(Route.NHWC, CpuConvRoutes.choose(nchwWrong, Route.NHWC, true));
    double[] nhwcWrong = {0.16, 3e-7, 0.16};
    assertEquals(Route.NCHW, CpuConvRoutes.choose(nhwcWrong, Route.NHWC, true));
    double[] bothWrong = {0.3, 0.6, 0.5};
    assertEquals(Route.SLOW, CpuConvRoutes.choose(bothWrong, Route.NHWC, true));
  }

  @Test
  void anInputOfOnePixelOrOneChannelRunsNchwOrSlow() {
    // its two orders are the same memory: which oneDNN path runs depends on the strides it came with
    assertTrue(CpuConvRoutes.oneOrder(manager.zeros(new Shape(2, 144, 1, 1))));
    assertTrue(CpuConvRoutes.oneOrder(manager.zeros(new Shape(2, 1, 28, 28))));
    assertFalse(CpuConvRoutes.oneOrder(manager.zeros(new Shape(2, 8, 4, 1))));
    assertEquals(Route.NCHW, CpuConvRoutes.choose(new double[] {0.6, 2e-7, 0.6}, Route.NCHW, false));
    assertEquals(Route.SLOW, CpuConvRoutes.choose(new double[] {0.6, 0.6, 2e-7}, Route.NCHW, false));
  }

  @Test
  void slowKernelsComputeConv2dAndItsGradientsWithGroupsDilationStrideAndBias() {
    slowKernelsMatchTheReference(false);
  }

  @Test
  void slowKernelsTakeChannelsLastInput() {
    // libtorch's own slow_conv2d backward refuses it ("grad_weight must be contiguous")
    slowKernelsMatchTheReference(true);
  }

  private void slowKernelsMatchTheReference(boolean channelsLast) {
    Conv conv = new Conv(6, Hw.square(3), Hw.square(2), Hw.square(2), Hw.square(2), 2, true);
    long[] xs = {2, 4, 9, 9};
    Random r = new Random(17);
    float[] x = random(r, 2 * 4 * 9 * 9);
    float[] w = random(r, 6 * 2 * 3 * 3);
    float[] bias = random(r, 6);
    NDArray xa = manager.create(x, new Shape(xs));
    NDArray wa = manager.create(w, new Shape(6, 2, 3, 3));
    NDArray ba = manager.create(bias);
    xa.setRequiresGradient(true);
    wa.setRequiresGradient(true);
    float[] y;
    float[] dy;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray in = channelsLast ? ScriptedOps.channelsLast(xa) : xa;
      NDArray out = ScriptedOps.slowConv2d(in, wa, ba, CpuConvRoutes.params(conv, false));
      y = out.toFloatArray();
      dy = random(r, y.length);
      gc.backward(out.mul(manager.create(dy, out.getShape())).sum());
    }
    assertClose(ConvReference.forward(x, xs, w, bias, conv), y);
    assertClose(ConvReference.inputGradient(dy, xs, w, conv), xa.getGradient().toFloatArray());
    assertClose(ConvReference.weightGradient(dy, x, xs, conv), wa.getGradient().toFloatArray());
  }

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static void assertClose(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    double diff = 0;
    double scale = 1e-30;
    for (int i = 0; i < want.length; i++) {
      diff = Math.max(diff, Math.abs(want[i] - got[i]));
      scale = Math.max(scale, Math.abs(want[i]));
    }
    assertTrue(diff / scale <= 1e-5, "differs by " + diff / scale + " of the scale");
  }
}
