package dev.topiary.pipeline.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * A pipeline stage: the service that runs a kind of step, and the event that says such a step is
 * done. The id is the JSON form and the service's name ({@code rank} for {@code rank-service}).
 */
public enum Stage {
  RANK("rank", EventType.RANK_COMPUTED),
  PRUNE("prune", EventType.LAYER_PRUNED),
  FINETUNE("finetune", EventType.EPOCH_TUNED),
  EVAL("eval", EventType.MODEL_EVALUATED);

  private final String id;
  private final EventType completion;

  Stage(String id, EventType completion) {
    this.id = id;
    this.completion = completion;
  }

  @JsonValue
  public String id() {
    return id;
  }

  /**
   * The event that ends a step of this stage. For {@link #FINETUNE} it is the {@link EpochTuned}
   * of the step's last epoch; earlier epochs report progress only.
   */
  public EventType completion() {
    return completion;
  }

  /** @throws IllegalArgumentException naming the valid ids */
  @JsonCreator
  public static Stage of(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() ->
        new IllegalArgumentException("stage: unknown '" + id + "'; valid: " + Arrays.stream(values()).map(Stage::id).toList()));
  }
}
