package dev.topiary.pipeline.event;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every Kafka topic name, in one place.
 *
 * <p><b>One topic per event type</b>, versioned: a topic holds one record type of one schema
 * version, so a breaking change gets a new version and a new topic ({@code .v2}) while old
 * consumers drain the old one. Producers key every record by job id, so one job's events of a type
 * stay ordered. Each stage subscribes to the event topics that can precede its steps (in practice
 * every step-event topic) and keeps only the events after which {@code JobFlow} names one of its
 * steps.
 *
 * <p><b>Partitions</b>: give every event topic the same count ({@link #PARTITIONS}), so that the
 * default partitioner sends a job's events to the same partition number on each topic; it bounds
 * the parallelism of each stage's consumer group. A stage that runs long steps should hand them to
 * a worker pool rather than hold its partition.
 */
public final class Topics {
  /**
   * Job specs submitted by events rather than through the gateway's REST API. Key: the request id
   * (1 to 128 characters of {@code [A-Za-z0-9._-]}); value: the spec, JSON or YAML (header {@code
   * content-type: application/yaml}); header {@code authorization: Bearer <token>}, a gateway API
   * token naming the tenant. The gateway answers with {@code JobSubmitted} (carrying the {@code
   * requestId}) or {@link #JOB_REJECTED}.
   */
  public static final String JOB_REQUESTS = "topiary.job-requests.v1";
  /** {@link JobRejected}: a job request the gateway refused, keyed by the request id. */
  public static final String JOB_REJECTED = "topiary.job-rejected.v1";
  public static final String JOB_SUBMITTED = "topiary.job-submitted.v1";
  public static final String RANK_COMPUTED = "topiary.rank-computed.v1";
  public static final String LAYER_PRUNED = "topiary.layer-pruned.v1";
  public static final String EPOCH_TUNED = "topiary.epoch-tuned.v1";
  public static final String MODEL_EVALUATED = "topiary.model-evaluated.v1";
  public static final String JOB_FAILED = "topiary.job-failed.v1";
  public static final String JOB_CANCELLED = "topiary.job-cancelled.v1";
  /**
   * Records no consumer could decode or place in a plan, copied unchanged with headers naming the
   * source topic, partition, offset and the error. Never consumed automatically.
   */
  public static final String DEAD_LETTER = "topiary.dead-letter.v1";

  /** The partition count every event topic should have. */
  public static final int PARTITIONS = 6;

  private Topics() {}

  /** The topic of an event type. */
  public static String of(EventType type) {
    return switch (type) {
      case JOB_SUBMITTED -> JOB_SUBMITTED;
      case RANK_COMPUTED -> RANK_COMPUTED;
      case LAYER_PRUNED -> LAYER_PRUNED;
      case EPOCH_TUNED -> EPOCH_TUNED;
      case MODEL_EVALUATED -> MODEL_EVALUATED;
      case JOB_FAILED -> JOB_FAILED;
      case JOB_CANCELLED -> JOB_CANCELLED;
    };
  }

  /** The topic an event goes to. */
  public static String of(PipelineEvent event) {
    return of(event.type());
  }

  /** The event topics, one per {@link EventType}, in its order. */
  public static List<String> eventTopics() {
    return Arrays.stream(EventType.values()).map(Topics::of).toList();
  }

  /** Every topic to create: the event topics, job requests, their rejections and the dead letters. */
  public static List<String> all() {
    return Stream.concat(eventTopics().stream(), Stream.of(JOB_REQUESTS, JOB_REJECTED, DEAD_LETTER)).toList();
  }
}
