package dev.topiary.engine.workflow;

import dev.topiary.engine.train.LrSchedule;
import dev.topiary.engine.train.Sgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SGD fine-tuning or training settings, as a job spec or the CLI states them. The schedule is
 * written {@code constant}, {@code cosine}, or {@code multistep:5,8} (gamma 0.1) /
 * {@code multistep:5,8:0.2}.
 */
public record FitSettings(int epochs, double lr, double momentum, boolean nesterov, double weightDecay, String schedule, long seed) {
  public FitSettings {
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
    }
    if (!(lr > 0)) {
      throw new IllegalArgumentException("lr must be positive, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
    }
    schedule(schedule == null ? "constant" : schedule, lr, Math.max(1, epochs)); // validates
    schedule = schedule == null ? "constant" : schedule;
  }

  /** SGD 0.05, momentum 0.9, weight decay 5e-4, cosine: a sound default for small CNNs. */
  public static FitSettings defaults(int epochs) {
    return new FitSettings(epochs, 0.05, 0.9, false, 5e-4, "cosine", 0);
  }

  public FitSettings withLr(double l) {
    return new FitSettings(epochs, l, momentum, nesterov, weightDecay, schedule, seed);
  }

  public FitSettings withEpochs(int e) {
    return new FitSettings(e, lr, momentum, nesterov, weightDecay, schedule, seed);
  }

  public Sgd optimizer() {
    return Sgd.builder().optMomentum(momentum).optNesterov(nesterov).optWeightDecay(weightDecay).build();
  }

  public LrSchedule lrSchedule() {
    return schedule(schedule, lr, Math.max(1, epochs));
  }

  static LrSchedule schedule(String spec, double lr, int epochs) {
    String s = spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("constant")) {
      return LrSchedule.constant(lr);
    }
    if (s.equals("cosine")) {
      return LrSchedule.cosine(lr, epochs, 0);
    }
    if (s.startsWith("multistep:")) {
      String[] parts = s.substring("multistep:".length()).split(":");
      List<Integer> milestones = new ArrayList<>();
      try {
        for (String m : parts[0].split(",")) {
          milestones.add(Integer.parseInt(m.trim()));
        }
        double gamma = parts.length > 1 ? Double.parseDouble(parts[1]) : 0.1;
        return LrSchedule.multiStep(lr, milestones, gamma);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("schedule '" + spec + "': expected multistep:<epoch>,<epoch>[:gamma]");
      }
    }
    throw new IllegalArgumentException("schedule '" + spec + "': expected constant, cosine or multistep:<epochs>[:gamma]");
  }
}
