package dev.topiary.pipeline.event;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every event type: its name (the JSON {@code type} field), its record class and the schema
 * version this code writes and understands. Adding an optional field keeps the version; removing
 * or renaming a field, or changing its meaning, makes a new version and a new topic.
 */
public enum EventType {
  JOB_SUBMITTED("JobSubmitted", JobSubmitted.class, 1),
  RANK_COMPUTED("RankComputed", RankComputed.class, 1),
  LAYER_PRUNED("LayerPruned", LayerPruned.class, 1),
  EPOCH_TUNED("EpochTuned", EpochTuned.class, 1),
  MODEL_EVALUATED("ModelEvaluated", ModelEvaluated.class, 1),
  JOB_FAILED("JobFailed", JobFailed.class, 1),
  JOB_CANCELLED("JobCancelled", JobCancelled.class, 1);

  private final String jsonName;
  private final Class<? extends PipelineEvent> recordClass;
  private final int version;

  EventType(String jsonName, Class<? extends PipelineEvent> recordClass, int version) {
    this.jsonName = jsonName;
    this.recordClass = recordClass;
    this.version = version;
  }

  /** The value of the JSON {@code type} field: the record's simple name. */
  public String jsonName() {
    return jsonName;
  }

  public Class<? extends PipelineEvent> recordClass() {
    return recordClass;
  }

  /** The schema version written, and the newest one read. */
  public int version() {
    return version;
  }

  public static Optional<EventType> byName(String name) {
    return Arrays.stream(values()).filter(t -> t.jsonName.equals(name)).findFirst();
  }

  public static EventType of(Class<? extends PipelineEvent> c) {
    return Arrays.stream(values()).filter(t -> t.recordClass == c).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not an event class: " + c.getName()));
  }

  /** The names, for messages. */
  public static List<String> names() {
    return Arrays.stream(values()).map(EventType::jsonName).toList();
  }
}
