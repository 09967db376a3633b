package dev.topiary.pipeline.stage;

import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ModelRef;
import dev.topiary.engine.model.Model;
import dev.topiary.testsupport.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A real S3 server, a store on it and a stage context with a ticking clock, for one test class. */
final class StageFixture implements AutoCloseable {
  static final String BUCKET = "topiary";

  final S3Server server;
  final ArtifactStore store;
  final StageContext ctx;
  final TickingClock clock = new TickingClock();
  final Path dir;

  StageFixture(Path dir) {
    this.dir = dir;
    server = S3Server.start();
    server.createBucket(BUCKET);
    store = ArtifactStore.builder().setEndpoint(server.endpoint()).setAccessKey(server.accessKey())
        .setSecretKey(server.secretKey()).setBucket(BUCKET).build();
    ctx = StageContext.builder().setStore(store).setWorkDir(dir.resolve("work")).optClock(clock).optLatencyRuns(1, 3).build();
  }

  /** Downloads and loads a model of an event. */
  Model model(ModelRef ref, String name) {
    return StepWork.load(store.getModel(ref, dir.resolve("models").resolve(name)));
  }

  @SuppressWarnings("unchecked")
  static <T extends PipelineEvent> List<T> ofType(List<PipelineEvent> events, Class<T> type) {
    return (List<T>) events.stream().filter(type::isInstance).toList();
  }

  static <T extends PipelineEvent> T last(List<PipelineEvent> events, Class<T> type) {
    List<T> all = ofType(events, type);
    return all.get(all.size() - 1);
  }

  @Override
  public void close() {
    store.close();
    server.close();
  }

  /** A UTC clock one second further on at every reading, so that a recomputed event differs. */
  static final class TickingClock extends Clock {
    final AtomicInteger readings = new AtomicInteger();

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException("the test clock ticks in UTC only");
    }

    @Override
    public Instant instant() {
      return Instant.parse("2026-03-01T09:00:00Z").plus(Duration.ofSeconds(readings.incrementAndGet()));
    }
  }
}
