package dev.topiary.engine.exec;

import java.util.Locale;

/**
 * Which memory order CPU convolutions take their input in: channels-last (NHWC), contiguous
 * (NCHW), or, by default, whichever a measurement finds faster for the graph at hand ({@link
 * #AUTO}: {@link GraphBlock} times a few passes in each order on the first batch it sees per mode
 * and shape, and keeps the faster, NHWC on a tie). Set per process with the system property {@value
 * EngineSettings#CPU_CHANNELS_LAST} ({@code auto}, {@code true} or {@code false}) or {@link
 * EngineSettings#setCpuConvOrder}.
 *
 * <p>Why measured: which order is faster depends on the shapes and the machine. On the 2-core
 * development VM a ResNet-20 trained at 355 img/s in NHWC and 473 in NCHW, while its L1-pruned
 * copy (kept channels 6, 7, 10, 31...) ran at 200 in NHWC, oneDNN's NHWC kernels being slow on odd
 * channel counts; the previous fixed default (NHWC, measured faster on other days) cost a pruned
 * model half its training speed. Either order gives the same values within float32 rounding.
 * Whatever the preference, a convolution whose preferred route {@link CpuConvRoutes} found wrong, or
 * does not trust, runs another.
 */
public enum ConvOrder {
  /** Measured per graph, mode and input shape. */
  AUTO,
  /** Channels-last (NHWC) input for every convolution with more than one input channel. */
  CHANNELS_LAST,
  /** Contiguous (NCHW) input. */
  CONTIGUOUS;

  /**
   * The order a value of {@value EngineSettings#CPU_CHANNELS_LAST} names: {@code auto} (or empty),
   * {@code true} (channels-last) or {@code false} (contiguous), any case.
   *
   * @throws IllegalArgumentException for anything else, naming the property
   */
  public static ConvOrder parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "", "auto" -> AUTO;
      case "true" -> CHANNELS_LAST;
      case "false" -> CONTIGUOUS;
      default -> throw new IllegalArgumentException("system property " + EngineSettings.CPU_CHANNELS_LAST
          + " must be auto, true (channels-last) or false (contiguous), got '" + value + "'");
    };
  }

  /** The conv route this order prefers; AUTO, unmeasured, prefers NHWC. */
  CpuConvRoutes.Route route() {
    return this == CONTIGUOUS ? CpuConvRoutes.Route.NCHW : CpuConvRoutes.Route.NHWC;
  }
}
