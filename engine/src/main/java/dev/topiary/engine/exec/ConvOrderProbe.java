package dev.topiary.engine.exec;

import dev.topiary.engine.exec.CpuConvRoutes.Route;
import java.util.Arrays;

/**
 * The memory order CPU convolutions prefer during one forward pass on this thread, and the timing
 * that chooses it under {@link ConvOrder#AUTO}. {@link GraphBlock} opens a {@link #use} scope
 * around each pass; the conv kernel reads {@link #preferred()}. Outside a scope the process setting
 * ({@link EngineSettings#cpuConvOrder()}) rules.
 */
final class ConvOrderProbe {
  /** Passes per order: the first of each is a warm-up (it also runs the routes' checks). */
  static final int ROUNDS = 4;

  /**
   * How much faster NCHW must be, as a fraction of NHWC's median, to be chosen: NHWC, the default
   * measured before, keeps near-ties, so that noise does not flip the order from run to run.
   */
  static final double MARGIN = 0.05;

  private static final ThreadLocal<Route> PASS = new ThreadLocal<>();
  private static final ThreadLocal<Boolean> PROBING = ThreadLocal.withInitial(() -> false);

  private ConvOrderProbe() {}

  /** The route a convolution on this thread prefers now. */
  static Route preferred() {
    Route r = PASS.get();
    return r != null ? r : EngineSettings.cpuConvOrder().route();
  }

  /** Whether a pass on this thread already has its order (a pass inside a probe, or a nested forward). */
  static boolean inPass() {
    return PASS.get() != null;
  }

  /** Prefers {@code route} on this thread until the scope closes. */
  static Scope use(Route route) {
    return new Scope(route);
  }

  /**
   * Whether this thread runs a pass that only times the orders ({@link #timing}): dropout then
   * scales instead of drawing a mask, so that the probe leaves the random stream alone.
   */
  static boolean probing() {
    return PROBING.get();
  }

  /** Marks this thread's passes as timing passes until the scope closes. */
  static AutoCloseableScope timing() {
    boolean previous = PROBING.get();
    PROBING.set(true);
    return () -> PROBING.set(previous);
  }

  /** A scope whose close throws nothing. */
  interface AutoCloseableScope extends AutoCloseable {
    @Override
    void close();
  }

  /** Restores the thread's previous preference on close. */
  static final class Scope implements AutoCloseable {
    private final Route previous;

    private Scope(Route route) {
      previous = PASS.get();
      PASS.set(route);
    }

    @Override
    public void close() {
      if (previous == null) {
        PASS.remove();
      } else {
        PASS.set(previous);
      }
    }
  }

  /** One timed pass in the given order, in milliseconds. */
  @FunctionalInterface
  interface Pass {
    double millis(Route route);
  }

  /** The outcome: the order chosen and each order's median pass. */
  record Timing(ConvOrder order, double channelsLastMs, double contiguousMs) {}

  /**
   * Runs {@link #ROUNDS} passes in each order, alternating which goes first, and chooses by the
   * medians of the passes after the first of each.
   */
  static Timing measure(Pass pass) {
    double[] nhwc = new double[ROUNDS - 1];
    double[] nchw = new double[ROUNDS - 1];
    for (int r = 0; r < ROUNDS; r++) {
      boolean nhwcFirst = r % 2 == 0;
      double a = pass.millis(nhwcFirst ? Route.NHWC : Route.NCHW);
      double b = pass.millis(nhwcFirst ? Route.NCHW : Route.NHWC);
      if (r > 0) {
        nhwc[r - 1] = nhwcFirst ? a : b;
        nchw[r - 1] = nhwcFirst ? b : a;
      }
    }
    return choose(median(nhwc), median(nchw));
  }

  /** NCHW when it is faster than NHWC by more than {@link #MARGIN}, else NHWC. */
  static Timing choose(double channelsLastMs, double contiguousMs) {
    ConvOrder order = contiguousMs < channelsLastMs * (1 - MARGIN) ? ConvOrder.CONTIGUOUS : ConvOrder.CHANNELS_LAST;
    return new Timing(order, channelsLastMs, contiguousMs);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
