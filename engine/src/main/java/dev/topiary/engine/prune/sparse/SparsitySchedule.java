package dev.topiary.engine.prune.sparse;

import java.util.List;

/**
 * A target sparsity per epoch (0-based) for gradual pruning: before each epoch, prune to {@link
 * #sparsity} (by magnitude, keeping earlier zeros) and fine-tune with the new mask. Sparsity never
 * decreases. The implementations are immutable records validated on construction with an {@link
 * IllegalArgumentException} naming the field.
 *
 * <p>The two gradual curves update at {@code start, start + interval, start + 2 interval, ...}
 * and at {@code end}, holding their value in between; before {@code start} they are 0 (dense
 * training), from {@code end} on they are {@code target}. With {@code f = (u - start) / (end -
 * start)} at the last update epoch {@code u}:
 *
 * <ul>
 *   <li>{@link Agp} (Zhu and Gupta 2017, "To prune, or not to prune"): {@code s = target +
 *       (initial - target)(1 - f)^3}, fast early and slow late;
 *   <li>{@link PaddleLog} (Paddle's dynamic pruning, the reference's "log curve"): {@code s =
 *       initial + (target - initial) ln(2 + k) / ln(2 + n)} with {@code k} updates done and {@code
 *       n = (end - start) / interval}.
 * </ul>
 *
 * <p>{@link Stages} is Paddle's static pruning run as several stages, one sparsity each.
 */
public sealed interface SparsitySchedule permits SparsitySchedule.Agp, SparsitySchedule.PaddleLog, SparsitySchedule.Stages {

  /** The target sparsity for epoch {@code epoch} (0-based). */
  double sparsity(int epoch);

  /**
   * Automated gradual pruning: {@code s_t = s_f + (s_i - s_f)(1 - (t - t0) / (n Δt))^3} at the
   * update epochs {@code t = t0 + kΔt} (and at {@code end = t0 + nΔt}), as in Zhu and Gupta 2017.
   *
   * <p>PaddleSlim's {@code GMPUnstructuredPruner} (paddleslim/dygraph/prune/unstructured_pruner.py,
   * {@code _prepare_training_hyper_parameters}) uses this same cubic, {@code ratio_i = ((i / steps)
   * - 1)^3 + 1} scaled from {@code initial_ratio} to {@code ratio}, after a stable phase at 0: see
   * {@link #paddleSlimGmp}.
   */
  record Agp(double initial, double target, int startEpoch, int endEpoch, int interval) implements SparsitySchedule {
    public Agp {
      requireRange(initial, target, startEpoch, endEpoch, interval);
    }

    @Override
    public double sparsity(int epoch) {
      requireEpoch(epoch);
      if (epoch < startEpoch) {
        return 0;
      }
      if (epoch >= endEpoch) {
        return target;
      }
      double f = (double) lastUpdate(epoch, startEpoch, interval) / (endEpoch - startEpoch);
      double left = 1 - f;
      return target + (initial - target) * left * left * left;
    }
  }

  /**
   * Paddle's dynamic pruning curve, which its wiki calls a log curve (steep first, flat later):
   * {@code DynamicPruningHook::preprocess} in paddle/parameter/ParameterUpdaterHook.cpp of the
   * dynamic-pruning pull request (PaddlePaddle/Paddle#2603) sets, every {@code interval_pass}
   * passes up to {@code end_pass}, {@code sparsity = upper / ln(end_pass / interval_pass + 2) *
   * ln(2 + pass / interval_pass)}. This record shifts it to start at {@code startEpoch} and lifts
   * it onto {@code initial}: {@code initial + (target - initial) ln(2 + k) / ln(2 + n)}, {@code k} the
   * updates done and {@code n = (endEpoch - startEpoch) / interval}; with {@code initial = 0},
   * {@code startEpoch = 0} and {@code interval} dividing {@code endEpoch} it is Paddle's exactly
   * ({@link #paddleDynamic}). Like Paddle's, the first update already prunes {@code ln 2 / ln(2 +
   * n)} of the way. Unlike Paddle's, which stops short of its bound when {@code interval} does not
   * divide {@code end_pass}, it reaches {@code target} at {@code endEpoch}.
   */
  record PaddleLog(double initial, double target, int startEpoch, int endEpoch, int interval) implements SparsitySchedule {
    public PaddleLog {
      requireRange(initial, target, startEpoch, endEpoch, interval);
    }

    @Override
    public double sparsity(int epoch) {
      requireEpoch(epoch);
      if (epoch < startEpoch) {
        return 0;
      }
      if (epoch >= endEpoch) {
        return target;
      }
      double k = lastUpdate(epoch, startEpoch, interval) / interval;
      double n = (double) (endEpoch - startEpoch) / interval;
      return initial + (target - initial) * Math.log(2 + k) / Math.log(2 + n);
    }
  }

  /**
   * Static pruning in stages (Paddle's static pruning hook, restarted with a higher ratio each
   * stage): stage {@code i} covers epochs {@code [i * epochsPerStage, (i + 1) * epochsPerStage)}
   * at {@code sparsities.get(i)}; after the last stage its sparsity stays.
   */
  record Stages(List<Double> sparsities, int epochsPerStage) implements SparsitySchedule {
    public Stages {
      sparsities = List.copyOf(sparsities);
      if (sparsities.isEmpty()) {
        throw new IllegalArgumentException("sparsities: need at least one stage");
      }
      for (int i = 0; i < sparsities.size(); i++) {
        requireSparsity(sparsities.get(i), "sparsities[" + i + "]");
        if (i > 0 && sparsities.get(i) < sparsities.get(i - 1)) {
          throw new IllegalArgumentException("sparsities: must not decrease, got " + sparsities);
        }
      }
      if (epochsPerStage < 1) {
        throw new IllegalArgumentException("epochsPerStage: must be at least 1, got " + epochsPerStage);
      }
    }

    @Override
    public double sparsity(int epoch) {
      requireEpoch(epoch);
      return sparsities.get(Math.min(epoch / epochsPerStage, sparsities.size() - 1));
    }
  }

  static SparsitySchedule agp(double initial, double target, int startEpoch, int endEpoch, int interval) {
    return new Agp(initial, target, startEpoch, endEpoch, interval);
  }

  static SparsitySchedule paddleLog(double initial, double target, int startEpoch, int endEpoch, int interval) {
    return new PaddleLog(initial, target, startEpoch, endEpoch, interval);
  }

  /** Paddle's {@code Hook('dynamic_pruning', sparsity_upper_bound, interval_pass, end_pass)}; Paddle's defaults are 3 and 60. */
  static SparsitySchedule paddleDynamic(double upperBound, int intervalPass, int endPass) {
    return new PaddleLog(0, upperBound, 0, endPass, intervalPass);
  }

  /**
   * PaddleSlim's {@code GMPUnstructuredPruner} with its configs counted in epochs: ratio 0 for the
   * stable phase, then {@code pruningSteps} cubic steps of {@code pruningEpochs / pruningSteps}
   * epochs each (integer division, as PaddleSlim's {@code ratio_increment_period}) from {@code
   * initialRatio}, then {@code ratio} for good. The stable phase lasts {@code int(stableEpochs /
   * pruningEpochs * pruningSteps)} periods, as PaddleSlim rounds it.
   */
  static SparsitySchedule paddleSlimGmp(double initialRatio, double ratio, int stableEpochs, int pruningEpochs, int pruningSteps) {
    if (pruningSteps < 1) {
      throw new IllegalArgumentException("pruningSteps: must be at least 1, got " + pruningSteps);
    }
    if (stableEpochs < 0) {
      throw new IllegalArgumentException("stableEpochs: must not be negative, got " + stableEpochs);
    }
    int period = pruningEpochs / pruningSteps;
    if (period < 1) {
      throw new IllegalArgumentException("pruningEpochs: must be at least pruningSteps (" + pruningSteps + "), got " + pruningEpochs);
    }
    int start = (int) ((double) stableEpochs / pruningEpochs * pruningSteps) * period;
    return new Agp(initialRatio, ratio, start, start + pruningSteps * period, period);
  }

  /** Multi-stage static pruning, one sparsity per stage. */
  static SparsitySchedule stages(List<Double> sparsities, int epochsPerStage) {
    return new Stages(sparsities, epochsPerStage);
  }

  private static int lastUpdate(int epoch, int start, int interval) {
    return (epoch - start) / interval * interval;
  }

  private static void requireRange(double initial, double target, int startEpoch, int endEpoch, int interval) {
    requireSparsity(initial, "initial");
    requireSparsity(target, "target");
    if (target < initial) {
      throw new IllegalArgumentException("target: must be at least initial (" + initial + "), got " + target);
    }
    if (startEpoch < 0) {
      throw new IllegalArgumentException("startEpoch: must not be negative, got " + startEpoch);
    }
    if (endEpoch <= startEpoch) {
      throw new IllegalArgumentException("endEpoch: must be after startEpoch (" + startEpoch + "), got " + endEpoch);
    }
    if (interval < 1) {
      throw new IllegalArgumentException("interval: must be at least 1, got " + interval);
    }
  }

  private static void requireSparsity(double s, String field) {
    if (!(s >= 0 && s < 1)) {
      throw new IllegalArgumentException(field + ": sparsity must be in [0, 1), got " + s);
    }
  }

  private static void requireEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: must not be negative, got " + epoch);
    }
  }
}
