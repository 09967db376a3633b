package dev.topiary.gateway.fuzz;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Bus;
import dev.topiary.gateway.Jobs;
import dev.topiary.gateway.Refusals;
import dev.topiary.gateway.TestServers;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobRejected;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.Topics;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.testsupport.BadRecords;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The Kafka fuzz at the gateway. On the job-requests topic, malformed specs (the HTTP fuzz's spec
 * cases) and records with bad keys, tokens and values are each answered with a {@code JobRejected}
 * naming a field, none is dead-lettered (that is for failures that are not the request's) and
 * nothing is stored. On every event topic, {@link BadRecords} leave the job view following the
 * topics: a real job's ending published after them still shows, and the gateway stays live.
 * Prints a summary line per topic kind; {@code -Dtopiary.fuzz.records=N} sets the count.
 */
@QuarkusTest
class RecordFuzzTest {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  @Inject
  ArtifactStore store;

  /** A request to publish: key, value, headers (name, value pairs), and the fields its rejection may name. */
  private record Request(String name, String key, byte[] value, List<String> fields, String... headers) {}

  @Test
  void answersEveryBadJobRequestWithJobRejectedAndStoresNothing() {
    List<Request> requests = requests(Integer.getInteger(BadRecords.COUNT, BadRecords.DEFAULT_COUNT));
    List<String> before = Refusals.stored(store);
    Map<String, Request> byId = new LinkedHashMap<>();
    for (Request r : requests) {
      RecordMetadata at = Bus.send(Topics.JOB_REQUESTS, r.key(), r.value(), r.headers());
      boolean validKey = r.key() != null && JobRejected.REQUEST_ID.matcher(r.key()).matches();
      byId.put(validKey ? r.key() : "offset-" + at.partition() + "-" + at.offset(), r);
    }
    Map<String, JobRejected> rejected = new HashMap<>();
    int deadLettered = collect(byId, rejected);

    System.out.printf("fuzz kafka gateway job-requests seed=%d records=%d rejected=%d dead-lettered=%d stored-leftovers=%d%n",
        FuzzCases.seed(), byId.size(), rejected.size(), deadLettered, before.equals(Refusals.stored(store)) ? 0 : 1);
    for (Map.Entry<String, Request> e : byId.entrySet()) {
      String what = "[fuzz job request '" + e.getValue().name() + "', id " + abbreviate(e.getKey()) + "] ";
      JobRejected r = rejected.get(e.getKey());
      assertTrue(r != null, what + "no JobRejected within " + ANSWER_TIMEOUT);
      assertFalse(r.errors().isEmpty(), what + "no errors");
      assertTrue(r.errors().stream().allMatch(f -> f.field() != null && !f.message().isBlank()), what + r.errors());
      assertTrue(r.errors().stream().anyMatch(f -> FuzzCase.names(e.getValue().fields(), f.field())),
          what + "expected an error on " + e.getValue().fields() + ", got " + r.errors());
    }
    assertEquals(0, deadLettered, "a bad request is the request's fault: rejected, not dead-lettered");
    assertEquals(before, Refusals.stored(store), "something was stored");
    given().get("/q/health").then().statusCode(200);
  }

  @Test
  void keepsFollowingTheEventTopicsPastBadRecords() {
    String ghost = "fuzz-ghost-" + UUID.randomUUID().toString().substring(0, 8);
    ArtifactRef plan = new ArtifactRef(store.bucket(), Keys.plan(ghost), "0".repeat(64), 100);
    String valid = EventCodec.toJson(new JobSubmitted(ghost, 0, 1, Instant.now(), "ghost", 3, plan, Artifacts.NONE));
    List<BadRecords.BadRecord> records = BadRecords.fromProperties(ghost, valid);
    long acmeJobs = given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs?size=200").then().statusCode(200).extract().jsonPath()
        .getLong("total");
    int sent = 0;
    for (String topic : Topics.eventTopics()) {
      for (BadRecords.BadRecord r : records) {
        Bus.send(topic, r.key(), r.value());
        sent++;
      }
    }
    // a real job's ending, published after the bad records: the view still follows the topics
    Jobs.Submitted job = Jobs.submit(store, TestServers.ACME, "after-bad-records");
    Bus.publish(new JobFailed(job.id(), 1, 1, Instant.now(), Stage.FINETUNE, "FuzzProbe", "published after the bad records"));
    Jobs.awaitJob(TestServers.ACME, job.id(), j -> j.getString("state").equals("failed"));

    System.out.printf("fuzz kafka gateway event-topics seed=%d topics=%d records=%d%n", FuzzCases.seed(), Topics.eventTopics().size(),
        sent);
    given().get("/q/health/live").then().statusCode(200);
    assertEquals(acmeJobs + 1, given().auth().oauth2(TestServers.ACME).get("/api/v1/jobs?size=200").then().statusCode(200).extract()
        .jsonPath().getLong("total"), "the bad records made no job of the tenant's");
  }

  /** Spec cases of the HTTP fuzz as requests with a valid token, then bad keys, tokens and values. */
  private static List<Request> requests(int count) {
    String valid = dev.topiary.gateway.Fixtures.lenetSpecJson("kafka-fuzz");
    List<Request> out = new ArrayList<>(List.of(
        new Request("a null key", null, bytes(valid), List.of("key"), auth()),
        new Request("a key of 200 characters", "k".repeat(200), bytes(valid), List.of("key"), auth()),
        new Request("a key that is a path", "../../etc/passwd", bytes(valid), List.of("key"), auth()),
        new Request("a 100 KB key", "k".repeat(100_000), bytes(valid), List.of("key"), auth()),
        new Request("no authorization", id(), bytes(valid), List.of("authorization")),
        new Request("an unknown token", id(), bytes(valid), List.of("authorization"), "authorization", "Bearer not-a-token-0123456789"),
        new Request("a bare Bearer", id(), bytes(valid), List.of("authorization"), "authorization", "Bearer"),
        new Request("a token of control characters", id(), bytes(valid), List.of("authorization"), "authorization", "Bearer \u0000\u0001"),
        new Request("a null value", id(), null, List.of(""), auth()),
        new Request("garbage bytes", id(), garbage(), List.of(""), auth()),
        new Request("YAML declared, garbage sent", id(), garbage(), List.of(""), "authorization", "Bearer " + TestServers.ACME,
            "content-type", "application/yaml")));
    for (FuzzCase c : FuzzCases.generate(FuzzCases.seed(), 4 * count)) {
      if (out.size() >= count) {
        break;
      }
      if (c.request() instanceof FuzzCase.Spec s) {
        out.add(new Request(c.name(), id(), s.body(), c.fields(), "authorization", "Bearer " + TestServers.ACME, "content-type",
            s.contentType()));
      }
    }
    return out;
  }

  /** Reads the rejections and dead letters until every request id has an answer or the time is up; returns the dead-letter count. */
  private static int collect(Map<String, Request> byId, Map<String, JobRejected> rejected) {
    int dead = 0;
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Bus.bootstrap(),
        ConsumerConfig.GROUP_ID_CONFIG, "fuzz-" + UUID.randomUUID(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(Topics.JOB_REJECTED, Topics.DEAD_LETTER)) {
        c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
      while (System.nanoTime() < end && rejected.size() + dead < byId.size()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(Topics.JOB_REJECTED) && byId.containsKey(r.key())) {
            rejected.put(r.key(), JobRejected.fromJson(new String(r.value(), StandardCharsets.UTF_8)));
          } else if (r.topic().equals(Topics.DEAD_LETTER) && header(r, "dead-letter-topic").equals(Topics.JOB_REQUESTS)
              && byId.containsKey(r.key())) {
            dead++;
          }
        }
      }
    }
    return dead;
  }

  private static String header(ConsumerRecord<String, byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static String[] auth() {
    return new String[] {"authorization", "Bearer " + TestServers.ACME};
  }

  private static String id() {
    return "fuzz-" + UUID.randomUUID();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] garbage() {
    byte[] b = new byte[128];
    new java.util.Random(FuzzCases.seed()).nextBytes(b);
    return b;
  }

  private static String abbreviate(String s) {
    return SpecCases.abbreviate(s);
  }
}
