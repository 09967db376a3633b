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

  /**
   * A conv whose channels leave a partial oneDNN block (a pruned model's 24 or 56) never runs its
   * NCHW route, even preferred and with both checks agreeing: that route was found wrong on later
   * calls after right checks. Whole blocks keep the preferred order.
   */
  @Test
  void aConvWithAPartialChannelBlockRunsNhwcEvenWhenNchwIsPreferred() {
    Conv conv = new Conv(16, Hw.square(3), Hw.square(1), Hw.square(1), Hw.square(1), 1, false);
    NDArray x = manager.randomNormal(new Shape(4, 24, 8, 8));
    NDArray w = manager.randomNormal(new Shape(16, 24, 3, 3));
    assertFalse(CpuConvRoutes.tailFree(w, 1));
    assertEquals(Route.NHWC, CpuConvRoutes.route(conv, x, w, null, Route.NCHW, false));
    assertEquals(Route.NHWC, CpuConvRoutes.route(conv, x, w, null, Route.NCHW, true));

    NDArray x32 = manager.randomNormal(new Shape(4, 32, 8, 8));
    NDArray w32 = manager.randomNormal(new Shape(16, 32, 3, 3));
    assertTrue(CpuConvRoutes.tailFree(w32, 1));
    assertEquals(Route.NCHW, CpuConvRoutes.route(conv, x32, w32, null, Route.NCHW, false));
    assertFalse(CpuConvRoutes.tailFree(manager.zeros(new Shape(24, 32, 3, 3)), 1), "24 output channels");
    assertTrue(CpuConvRoutes.tailFree(manager.zeros(new Shape(32, 1, 3, 3)), 32), "depthwise over 32 channels");
    // the agreeing check of a tail conv still leads to NHWC, and a wrong NHWC to the slow kernels, never NCHW
    assertEquals(Route.NHWC, CpuConvRoutes.choose(new double[] {1e-7, -1, -1}, Route.NHWC, false));
    assertEquals(Route.SLOW, CpuConvRoutes.choose(new double[] {0.16, 3e-7, 0.16}, Route.NHWC, false));
  }

  /**
   * oneDNN's 1x1 backward-weights kernel corrupts the heap for this shape (an imported ResNet's
   * 8-to-16 stride-2 shortcut at batch 32): the route must not run it, not even to check it, or this
   * test's JVM dies.
   */
  @Test
  void aStridedOneByOneConvOfFewChannelsTrainsOnTheSlowKernelsWithoutTouchingOneDnn() {
    Conv conv = new Conv(16, Hw.square(1), Hw.square(2), Hw.square(0), Hw.square(1), 1, false);
    NDArray x = manager.randomNormal(new Shape(32, 8, 32, 32));
    NDArray w = manager.randomNormal(new Shape(16, 8, 1, 1));
    assertEquals(Route.SLOW, CpuConvRoutes.route(conv, x, w, null, Route.NHWC, true));
    assertTrue(CpuConvRoutes.crashesOneDnn(conv, w));
    assertFalse(CpuConvRoutes.crashesOneDnn(new Conv(16, Hw.square(1), Hw.square(1), Hw.square(0), Hw.square(1), 1, false), w),
        "stride 1 runs oneDNN");
    assertFalse(CpuConvRoutes.crashesOneDnn(conv, manager.zeros(new Shape(16, 16, 1, 1))), "16 channels run oneDNN");
    // and the slow kernels get it right
    Conv small = new Conv(5, Hw.square(1), Hw.square(2), Hw.square(0), Hw.square(1), 1, false);
    long[] xs = {3, 7, 10, 10};
    Random r = new Random(5);
    float[] xv = random(r, 3 * 7 * 10 * 10);
    float[] wv = random(r, 5 * 7);
    NDArray xa = manager.create(xv, new Shape(xs));
    NDArray wa = manager.create(wv, new Shape(5, 7, 1, 1));
    xa.setRequiresGradient(true);
    wa.setRequiresGradient(true);
    float[] dy;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray out = ScriptedOps.slowConv2d(xa, wa, null, CpuConvRoutes.params(small, false));
      dy = random(r, (int) out.size());
      assertClose(ConvReference.forward(xv, xs, wv, null, small), out.toFloatArray());
      gc.backward(out.mul(manager.create(dy, out.getShape())).sum());
    }
    assertClose(ConvReference.inputGradient(dy, xs, wv, small), xa.getGradient().toFloatArray());
    assertClose(ConvReference.weightGradient(dy, xv, xs, small), wa.getGradient().toFloatArray());
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
