package dev.topiary.service;

/** The reactive-messaging channel names a stage service wires to Kafka topics (see the kit's config defaults). */
public final class Channels {
  /** In: every step-event topic; the consumer keeps the events after which one of its stage's steps comes. */
  public static final String STEPS = "steps";
  /** Out: every event a runner emits, to its type's topic, keyed by job id. */
  public static final String EVENTS = "events";
  /** The worker pool steps run on: one step at a time per process (per device). */
  public static final String WORKER_POOL = "topiary-stage";

  private Channels() {}
}
