package dev.topiary.engine.exec;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * libtorch process settings: intra-op threads (one operator's parallelism), inter-op threads
 * (independent operators run concurrently) and the compute device.
 *
 * <p>{@link #apply()} writes the threads to the system properties PtEngine reads when it starts
 * ({@code ai.djl.pytorch.num_threads}, {@code ai.djl.pytorch.num_interop_threads}), starts the
 * engine, then sets any thread count that still differs. libtorch fixes the inter-op pool at its
 * first parallel work, so apply the settings once, at startup, before any model runs.
 *
 * <pre>{@code
 * Device device = EngineSettings.builder().optIntraOpThreads(2).optInterOpThreads(1)
 *     .optDevice("auto").build().apply();
 * }</pre>
 */
public final class EngineSettings {
  static final String NUM_THREADS = "ai.djl.pytorch.num_threads";
  static final String NUM_INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

  /** Where models run. */
  public enum DeviceChoice {
    /** The CPU, always available. */
    CPU,
    /** The first GPU; fails when PyTorch sees none. */
    GPU,
    /** The first GPU when there is one, else the CPU. */
    AUTO;

    /** Parses "cpu", "gpu" or "auto", case-insensitively. */
    public static DeviceChoice parse(String name) {
      for (DeviceChoice c : values()) {
        if (c.name().equalsIgnoreCase(name.trim())) {
          return c;
        }
      }
      throw new IllegalArgumentException("device must be cpu, gpu or auto, got '" + name + "'");
    }
  }

  /**
   * The system property choosing the memory order of CPU convolutions ({@link ConvOrder}): {@code
   * auto} (the default: measured per graph), {@code true} (channels-last) or {@code false}
   * (contiguous).
   */
  public static final String CPU_CHANNELS_LAST = "topiary.cpu-channels-last";

  /** The order set by {@link #setCpuConvOrder}; null until then (the system property rules). */
  private static volatile ConvOrder cpuConvOrder;

  /** The device {@link #apply()} chose; null until then. */
  private static volatile Device computeDevice;

  private final int intraOpThreads;
  private final int interOpThreads;
  private final DeviceChoice device;

  private EngineSettings(Builder b) {
    intraOpThreads = b.intraOpThreads;
    interOpThreads = b.interOpThreads;
    device = b.device;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Intra-op threads, or 0 to keep libtorch's default. */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Inter-op threads, or 0 to keep libtorch's default. */
  public int interOpThreads() {
    return interOpThreads;
  }

  public DeviceChoice device() {
    return device;
  }

  /**
   * Configures the threads, starting the engine if needed, and returns the chosen device.
   *
   * @throws IllegalStateException when the inter-op threads can no longer be changed, or a GPU is
   *     required and there is none
   */
  public Device apply() {
    if (intraOpThreads > 0) {
      System.setProperty(NUM_THREADS, Integer.toString(intraOpThreads));
    }
    if (interOpThreads > 0) {
      System.setProperty(NUM_INTEROP_THREADS, Integer.toString(interOpThreads));
    }
    Engine engine = Engine.getEngine("PyTorch");
    if (intraOpThreads > 0 && JniUtils.getNumThreads() != intraOpThreads) {
      JniUtils.setNumThreads(intraOpThreads);
    }
    if (interOpThreads > 0 && JniUtils.getNumInteropThreads() != interOpThreads) {
      try {
        JniUtils.setNumInteropThreads(interOpThreads);
      } catch (EngineException e) {
        throw new IllegalStateException("cannot set " + interOpThreads + " inter-op threads: libtorch already runs "
            + JniUtils.getNumInteropThreads() + " (set them before the engine's first parallel work)", e);
      }
    }
    Device chosen = resolve(device, engine.getGpuCount());
    computeDevice = chosen;
    return chosen;
  }

  /**
   * Where the engine's workflows (fitting, evaluation, activation scoring) allocate: the device the
   * last {@link #apply()} chose, else the engine's default (the first GPU when PyTorch sees one).
   * A process-wide setting like the thread counts, so a service configured with {@code cpu} trains
   * on the CPU even on a GPU node.
   */
  public static Device computeDevice() {
    Device chosen = computeDevice;
    return chosen != null ? chosen : Engine.getEngine("PyTorch").defaultDevice();
  }

  /**
   * The intra-op threads libtorch runs with now (after {@link #apply()}, or its default), starting
   * the engine if needed: the figure another runtime in the process (ONNX Runtime) should match so
   * that the two compare on equal terms.
   */
  public static int intraOpThreadsInUse() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }

  /**
   * The memory order CPU convolutions take their input in, for the process: set by {@link
   * #setCpuConvOrder}, else by the system property {@value #CPU_CHANNELS_LAST}, else {@link
   * ConvOrder#AUTO}. GPU arrays are left as they are.
   *
   * @throws IllegalArgumentException when the system property holds something else than auto, true
   *     or false
   */
  public static ConvOrder cpuConvOrder() {
    ConvOrder set = cpuConvOrder;
    return set != null ? set : ConvOrder.parse(System.getProperty(CPU_CHANNELS_LAST));
  }

  /** Sets {@link #cpuConvOrder()} for the process (benchmarks compare the orders; tests check they agree). */
  public static void setCpuConvOrder(ConvOrder order) {
    if (order == null) {
      throw new IllegalArgumentException("order must not be null");
    }
    cpuConvOrder = order;
  }

  /** Shorthand for {@link #setCpuConvOrder}: channels-last ({@code true}) or contiguous. */
  public static void setCpuChannelsLast(boolean on) {
    setCpuConvOrder(on ? ConvOrder.CHANNELS_LAST : ConvOrder.CONTIGUOUS);
  }

  /** The device for a choice, given how many GPUs PyTorch sees. */
  static Device resolve(DeviceChoice choice, int gpuCount) {
    return switch (choice) {
      case CPU -> Device.cpu();
      case GPU -> {
        if (gpuCount == 0) {
          throw new IllegalStateException("device 'gpu' was requested but PyTorch sees no GPU"
              + " (is a CUDA build of pytorch-native on the class path?); use 'cpu' or 'auto'");
        }
        yield Device.gpu();
      }
      case AUTO -> gpuCount > 0 ? Device.gpu() : Device.cpu();
    };
  }

  /** Builder; every option has a default (libtorch's threads, the CPU). */
  public static final class Builder {
    private int intraOpThreads;
    private int interOpThreads;
    private DeviceChoice device = DeviceChoice.CPU;

    private Builder() {}

    public Builder optIntraOpThreads(int threads) {
      intraOpThreads = threads;
      return this;
    }

    public Builder optInterOpThreads(int threads) {
      interOpThreads = threads;
      return this;
    }

    public Builder optDevice(DeviceChoice choice) {
      device = choice;
      return this;
    }

    /** "cpu", "gpu" or "auto". */
    public Builder optDevice(String choice) {
      return optDevice(DeviceChoice.parse(choice));
    }

    public EngineSettings build() {
      validate();
      return new EngineSettings(this);
    }

    private void validate() {
      if (intraOpThreads < 0) {
        throw new IllegalArgumentException("intraOpThreads must be >= 0 (0: libtorch default), got " + intraOpThreads);
      }
      if (interOpThreads < 0) {
        throw new IllegalArgumentException("interOpThreads must be >= 0 (0: libtorch default), got " + interOpThreads);
      }
      if (device == null) {
        throw new IllegalArgumentException("device must not be null");
      }
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "EngineSettings(intraOp=%d, interOp=%d, device=%s)",
        intraOpThreads, interOpThreads, device.name().toLowerCase(Locale.ROOT));
  }
}
