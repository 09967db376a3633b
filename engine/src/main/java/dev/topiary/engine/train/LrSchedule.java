package dev.topiary.engine.train;

import java.util.List;

/**
 * A learning rate per epoch (0-based), held constant within the epoch, as a torch scheduler stepped
 * once per epoch gives. The implementations are immutable records validated on construction.
 */
public sealed interface LrSchedule permits LrSchedule.Constant, LrSchedule.MultiStep, LrSchedule.Cosine, LrSchedule.Warmup {

  /** The learning rate used throughout epoch {@code epoch} (0-based). */
  double lr(int epoch);

  static LrSchedule constant(double lr) {
    return new Constant(lr);
  }

  /** torch {@code MultiStepLR}: {@code baseLr * gamma^(number of milestones <= epoch)}. */
  static LrSchedule multiStep(double baseLr, List<Integer> milestones, double gamma) {
    return new MultiStep(baseLr, milestones, gamma);
  }

  /** torch {@code CosineAnnealingLR} (closed form): {@code etaMin + (baseLr - etaMin)(1 + cos(pi epoch / tMax)) / 2}. */
  static LrSchedule cosine(double baseLr, int tMax, double etaMin) {
    return new Cosine(baseLr, tMax, etaMin);
  }

  /**
   * Linear warm-up for {@code epochs} epochs from {@code startFactor * lr(0)} towards {@code lr(0)}
   * (torch {@code LinearLR}), then this schedule shifted by {@code epochs}, as torch {@code
   * SequentialLR} with the milestone at {@code epochs} does.
   */
  default LrSchedule withWarmup(int epochs, double startFactor) {
    return new Warmup(this, epochs, startFactor);
  }

  record Constant(double lr) implements LrSchedule {
    public Constant {
      requirePositive(lr, "lr");
    }

    @Override
    public double lr(int epoch) {
      requireEpoch(epoch);
      return lr;
    }
  }

  record MultiStep(double baseLr, List<Integer> milestones, double gamma) implements LrSchedule {
    public MultiStep {
      requirePositive(baseLr, "baseLr");
      requirePositive(gamma, "gamma");
      milestones = List.copyOf(milestones);
      for (int i = 0; i < milestones.size(); i++) {
        if (milestones.get(i) < 1 || (i > 0 && milestones.get(i) <= milestones.get(i - 1))) {
          throw new IllegalArgumentException("milestones: must be positive and strictly increasing, got " + milestones);
        }
      }
    }

    @Override
    public double lr(int epoch) {
      requireEpoch(epoch);
      int passed = (int) milestones.stream().filter(m -> m <= epoch).count();
      return baseLr * Math.pow(gamma, passed);
    }
  }

  record Cosine(double baseLr, int tMax, double etaMin) implements LrSchedule {
    public Cosine {
      requirePositive(baseLr, "baseLr");
      if (tMax < 1) {
        throw new IllegalArgumentException("tMax: must be at least 1, got " + tMax);
      }
      if (!(etaMin >= 0 && etaMin <= baseLr)) {
        throw new IllegalArgumentException("etaMin: must be in [0, baseLr=" + baseLr + "], got " + etaMin);
      }
    }

    @Override
    public double lr(int epoch) {
      requireEpoch(epoch);
      return etaMin + (baseLr - etaMin) * (1 + Math.cos(Math.PI * epoch / tMax)) / 2;
    }
  }

  record Warmup(LrSchedule after, int epochs, double startFactor) implements LrSchedule {
    public Warmup {
      if (after == null) {
        throw new IllegalArgumentException("after: schedule is required");
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs: warm-up must last at least 1 epoch, got " + epochs);
      }
      if (!(startFactor > 0 && startFactor <= 1)) {
        throw new IllegalArgumentException("startFactor: must be in (0, 1], got " + startFactor);
      }
    }

    @Override
    public double lr(int epoch) {
      requireEpoch(epoch);
      if (epoch >= epochs) {
        return after.lr(epoch - epochs);
      }
      return after.lr(0) * (startFactor + (1 - startFactor) * epoch / epochs);
    }
  }

  private static void requirePositive(double value, String field) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(field + ": must be positive and finite, got " + value);
    }
  }

  private static void requireEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch: must be >= 0, got " + epoch);
    }
  }
}
