package dev.topiary.gateway.view;

import dev.topiary.gateway.GatewayConfig;
import dev.topiary.pipeline.plan.PlanJson;
import dev.topiary.pipeline.store.ArtifactStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * Owns the application's {@link JobView} and its {@link EventTail}: started with the application,
 * closed with it. Ready once the view caught up with the topics; live while the tail follows them.
 */
@ApplicationScoped
public class ViewLifecycle {
  @Inject
  ArtifactStore store;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  private JobView view;
  private EventTail tail;

  @Produces
  @ApplicationScoped
  JobView view() {
    return viewInstance();
  }

  private synchronized JobView viewInstance() {
    if (view == null) {
      view = new JobView(ref -> PlanJson.fromBytes(store.getBytes(ref)));
    }
    return view;
  }

  @Inject
  GatewayConfig config;

  @Inject
  MeterRegistry registry;

  synchronized void start(@Observes StartupEvent ignored) {
    if (config.createTopics()) {
      TopicSetup.ensure(bootstrapServers);
    }
    JobView v = viewInstance();
    for (JobState.Phase phase : JobState.Phase.values()) {
      Gauge.builder("topiary.jobs", v, x -> x.count(phase)).tag("state", phase.id())
          .description("Jobs in each state, from the job view").register(registry);
    }
    Counter completed = Counter.builder("topiary.jobs.completed").description("Jobs completed since this gateway caught up").register(registry);
    tail = new EventTail(bootstrapServers, v, () -> v.goLive(completed::increment));
    tail.start();
  }

  synchronized void stop(@Observes ShutdownEvent ignored) {
    if (tail != null) {
      tail.close();
      tail = null;
    }
  }

  synchronized EventTail tail() {
    return tail;
  }

  @Produces
  @Readiness
  HealthCheck caughtUp() {
    return () -> {
      EventTail t = tail();
      return HealthCheckResponse.named("job-view").status(t != null && t.caughtUp()).withData("detail",
          "replayed the event topics up to their end at start").build();
    };
  }

  @Produces
  @Liveness
  HealthCheck following() {
    return () -> {
      EventTail t = tail();
      return HealthCheckResponse.named("event-tail").status(t == null || t.following()).build();
    };
  }
}
