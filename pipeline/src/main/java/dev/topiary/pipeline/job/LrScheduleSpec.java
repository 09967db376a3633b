package dev.topiary.pipeline.job;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The learning-rate schedule over a step's epochs.
 *
 * @param type {@code constant}, {@code cosine} (to 0 at the last epoch) or {@code multistep}
 * @param milestones multistep: the epochs (0-based, ascending) at which the rate is multiplied by gamma; else null
 * @param gamma multistep: the factor, in (0, 1]; else null
 */
public record LrScheduleSpec(String type, List<Integer> milestones, Double gamma) {
  public static final LrScheduleSpec DEFAULT = new LrScheduleSpec("cosine", null, null);
  public static final List<String> TYPES = List.of("constant", "cosine", "multistep");
  /** A detector's schedules (YOLOv5's): linear decay to lr0 * 0.01, or cosine. */
  public static final List<String> DETECTION_TYPES = List.of("linear", "cosine");
  /** A detection job's schedule when none is given: YOLOv5's linear decay. */
  public static final LrScheduleSpec DETECTION_DEFAULT = new LrScheduleSpec("linear", null, null);

  public LrScheduleSpec {
    milestones = Lists.copy(milestones);
  }

  /** The engine's text form: {@code constant}, {@code cosine}, {@code multistep:5,8:0.1}. */
  public String engineForm() {
    if (!"multistep".equals(type)) {
      return type;
    }
    return "multistep:" + milestones.stream().map(String::valueOf).collect(Collectors.joining(",")) + ":" + gamma;
  }
}
