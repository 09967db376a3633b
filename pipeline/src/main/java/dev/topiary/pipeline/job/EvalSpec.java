package dev.topiary.pipeline.job;

import java.util.List;

/**
 * How a model is measured: accuracy on the test split, size and MACs always; latency per batch size
 * on each device listed. Immutable.
 *
 * @param batchSizes batch sizes timed, distinct, in [1, 4096]
 * @param devices {@code cpu} and/or {@code gpu} (a GPU node must run the eval stage)
 */
public record EvalSpec(List<Integer> batchSizes, List<String> devices) {
  public static final EvalSpec DEFAULT = new EvalSpec(List.of(1, 32), List.of("cpu"));
  public static final List<String> DEVICES = List.of("cpu", "gpu");

  public EvalSpec {
    batchSizes = Lists.copy(batchSizes);
    devices = Lists.copy(devices);
  }
}
