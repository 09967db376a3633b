package dev.topiary.service;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.stage.StageRunner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stage service's meters, every tag value from a closed set (stage ids, step kinds, event types,
 * outcomes, failure reasons), never a job id. Prometheus names (at {@code /q/metrics}):
 *
 * <ul>
 *   <li>{@code topiary_stage_duration_seconds} (histogram; stage, step, outcome:
 *       completed/failed/skipped/transient-failure);
 *   <li>{@code topiary_stage_in_flight} (stage): steps running now;
 *   <li>{@code topiary_stage_failures_total} (stage, reason: refused/transient/dead-letter);
 *   <li>{@code topiary_epochs_completed_total} (stage);
 *   <li>{@code topiary_events_published_total} (stage, type);
 *   <li>{@code topiary_event_hop_seconds} (histogram; stage, type): from an event's {@code
 *       occurredAt} to its reception here, the hop latency of the bus;
 *   <li>{@code topiary_last_accuracy}, {@code topiary_last_params}, {@code topiary_last_macs}
 *       (stage): the figures of the last event that carried them.
 * </ul>
 */
@ApplicationScoped
public class StageMetrics {
  /** Outcome of a step run as the consumer saw it. */
  public enum Outcome {
    COMPLETED("completed"), FAILED("failed"), SKIPPED("skipped"), TRANSIENT_FAILURE("transient-failure");

    final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;
  private final String stage;
  private final Clock clock;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastAccuracyMicros = new AtomicLong(-1);
  private final AtomicLong lastParams = new AtomicLong(-1);
  private final AtomicLong lastMacs = new AtomicLong(-1);

  @Inject
  public StageMetrics(MeterRegistry registry, StageRunner runner) {
    this(registry, runner.stage(), Clock.systemUTC());
  }

  StageMetrics(MeterRegistry registry, Stage stage, Clock clock) {
    this.registry = registry;
    this.stage = stage.id();
    this.clock = clock;
    List<Tag> tags = List.of(Tag.of("stage", this.stage));
    registry.gauge("topiary.stage.in.flight", tags, inFlight);
    registry.gauge("topiary.last.accuracy", tags,
        lastAccuracyMicros, v -> v.get() < 0 ? Double.NaN : v.get() / 1e6);
    registry.gauge("topiary.last.params", tags,
        lastParams, v -> v.get() < 0 ? Double.NaN : v.get());
    registry.gauge("topiary.last.macs", tags,
        lastMacs, v -> v.get() < 0 ? Double.NaN : v.get());
    FAILURE_REASONS.forEach(r -> Counter.builder("topiary.stage.failures").tag("stage", this.stage).tag("reason", r).register(registry));
    Counter.builder("topiary.epochs.completed").tag("stage", this.stage).register(registry);
  }

  /** The failure reasons, registered at zero so that dashboards show 0 rather than no data. */
  public static final List<String> FAILURE_REASONS = List.of("refused", "transient", "dead-letter");

  /** Marks a step as started; the returned handle records its duration and outcome once. */
  public Running start(String stepKind) {
    inFlight.incrementAndGet();
    return new Running(stepKind, System.nanoTime());
  }

  /** An event arrived: records its hop latency. */
  public void received(PipelineEvent event) {
    Duration hop = Duration.between(event.occurredAt(), clock.instant());
    Timer.builder("topiary.event.hop").tag("stage", stage).tag("type", event.type().name().toLowerCase(Locale.ROOT))
        .publishPercentileHistogram().register(registry).record(hop.isNegative() ? Duration.ZERO : hop);
  }

  /** An event was published: counts it and keeps the figures it carries. */
  public void published(PipelineEvent event) {
    Counter.builder("topiary.events.published").tag("stage", stage)
        .tag("type", event.type().name().toLowerCase(Locale.ROOT)).register(registry).increment();
    if (event instanceof EpochTuned e) {
      Counter.builder("topiary.epochs.completed").tag("stage", stage).register(registry).increment();
      // a detector's epoch has no accuracy: its validation mAP@0.5 stands in
      Double accuracy = e.valAccuracy() != null ? e.valAccuracy() : e.trainAccuracy() != null ? e.trainAccuracy() : e.map50();
      if (accuracy != null) {
        lastAccuracyMicros.set(Math.round(accuracy * 1e6));
      }
    } else if (event instanceof ModelEvaluated e) {
      lastAccuracyMicros.set(Math.round((e.detects() ? e.detection().map50() : e.top1()) * 1e6));
      lastParams.set(e.params());
      lastMacs.set(e.macs());
    } else if (event instanceof LayerPruned e) {
      lastParams.set(e.paramsAfter());
      lastMacs.set(e.macsAfter());
    }
  }

  /** A failure: refused (JobFailed from the runner), transient (retries spent) or dead-letter. */
  public void failure(String reason) {
    if (!FAILURE_REASONS.contains(reason)) {
      throw new IllegalArgumentException("reason: one of " + FAILURE_REASONS + ", got " + reason);
    }
    Counter.builder("topiary.stage.failures").tag("stage", stage).tag("reason", reason).register(registry).increment();
  }

  /** A running step; {@link #end} records it. */
  public final class Running {
    private final String stepKind;
    private final long startNanos;
    private boolean ended;

    private Running(String stepKind, long startNanos) {
      this.stepKind = stepKind;
      this.startNanos = startNanos;
    }

    public void end(Outcome outcome) {
      if (ended) {
        return;
      }
      ended = true;
      inFlight.decrementAndGet();
      Timer.builder("topiary.stage.duration").tag("stage", stage).tag("step", stepKind).tag("outcome", outcome.tag)
          .publishPercentileHistogram().register(registry).record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
  }
}
