package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.PipelineEvent;
import java.util.Comparator;

/**
 * Where an event stands in its job's canonical order, and its id on the event stream. The order
 * is the plan's: by step, then attempt, then epoch; the job's endings ({@code JobFailed}, {@code
 * JobCancelled}) come after every step event. It depends on the event alone, never on when it
 * arrived, so a gateway that replays the topics after a restart (records of different topics in
 * any relative order) lists a job's events as the one before it did, under the same ids.
 *
 * <p>The id, {@code <step>.<attempt>.<epoch>.<type>} ({@code 5.1.2.EpochTuned}; epoch 0 for the
 * events that have none), is unique within a job: it is the fold's idempotency key, (type, step,
 * attempt, epoch). Immutable.
 */
public record EventPosition(int step, int attempt, int epoch, EventType type) implements Comparable<EventPosition> {
  private static final Comparator<EventPosition> ORDER = Comparator.comparing(EventPosition::ends)
      .thenComparingInt(EventPosition::step).thenComparingInt(EventPosition::attempt).thenComparingInt(EventPosition::epoch)
      .thenComparing(EventPosition::type);

  public EventPosition {
    if (step < 0 || attempt < 1 || epoch < 0 || type == null) {
      throw new IllegalArgumentException("event position: step >= 0, attempt >= 1, epoch >= 0 and a type, got "
          + step + "." + attempt + "." + epoch + "." + type);
    }
  }

  /** The position of an event. */
  public static EventPosition of(PipelineEvent e) {
    return new EventPosition(e.stepIndex(), e.attempt(), e instanceof EpochTuned t ? t.epoch() : 0, e.type());
  }

  /**
   * Reads an id written by {@link #id()}.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static EventPosition parse(String id) {
    String[] parts = id.strip().split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("'" + id + "' is not an event id: expected <step>.<attempt>.<epoch>.<type>, as the stream sent");
    }
    EventType type = EventType.byName(parts[3]).orElseThrow(() ->
        new IllegalArgumentException("'" + id + "': unknown event type '" + parts[3] + "', expected one of " + EventType.names()));
    try {
      return new EventPosition(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), type);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + id + "': step, attempt and epoch must be whole numbers", e);
    }
  }

  /** The id on the event stream. */
  public String id() {
    return step + "." + attempt + "." + epoch + "." + type.jsonName();
  }

  /** Whether the event ends the job whatever comes with it: a failure or a cancellation. */
  public boolean ends() {
    return type == EventType.JOB_FAILED || type == EventType.JOB_CANCELLED;
  }

  @Override
  public int compareTo(EventPosition o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return id();
  }
}
