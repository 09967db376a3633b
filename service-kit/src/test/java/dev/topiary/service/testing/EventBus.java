package dev.topiary.service.testing;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A test's view of the real broker: publishes events as the services do (keyed by job id, to their
 * type's topic) and reads every topic from the beginning, keeping all records it has seen. Not
 * thread-safe; one per test class.
 */
public final class EventBus implements AutoCloseable {
  /** Every topic with {@link Topics#PARTITIONS} partitions, in the form KafkaBrokerTestResource's "topics" argument takes. */
  public static final String ALL_TOPICS = "topiary.job-submitted.v1:6,topiary.rank-computed.v1:6,topiary.layer-pruned.v1:6,"
      + "topiary.epoch-tuned.v1:6,topiary.model-evaluated.v1:6,topiary.job-failed.v1:6,topiary.job-cancelled.v1:6,"
      + "topiary.job-requests.v1:6,topiary.dead-letter.v1:6";

  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
  /** The events of {@link #seen}, decoded once as they arrive: null for records that are not events. */
  private final List<PipelineEvent> decoded = new ArrayList<>();

  public EventBus(String bootstrapServers) {
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer());
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
        new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : Topics.all()) {
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Publishes an event as a service would, waiting for the broker's acknowledgement. */
  public void publish(PipelineEvent event) {
    publishRaw(Topics.of(event), event.jobId(), EventCodec.toBytes(event));
  }

  /** Publishes any bytes: for records that are not events; returns where the record landed. */
  public RecordMetadata publishRaw(String topic, String key, byte[] value) {
    try {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot publish to " + topic, e.getCause());
    }
  }

  /** Polls until {@code count} records seen so far match, or fails after {@code timeout}. */
  public List<ConsumerRecord<String, byte[]>> await(Predicate<ConsumerRecord<String, byte[]>> match, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ConsumerRecord<String, byte[]>> found = seen.stream().filter(match).toList();
      if (found.size() >= count) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout + " for " + count + " matching record(s), saw " + found.size()
            + "; all events so far: " + describe());
      }
      consumer.poll(Duration.ofMillis(200)).forEach(this::take);
    }
  }

  /** Waits for {@code count} events of a type for a job; returns every one seen, in arrival order. */
  public <T extends PipelineEvent> List<T> awaitEvents(String jobId, Class<T> type, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<T> found = events(jobId).stream().filter(type::isInstance).map(type::cast).toList();
      if (found.size() >= count) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + timeout + " for " + count + " " + type.getSimpleName() + " of job " + jobId
            + ", saw " + found.size() + "; all events so far: " + describe());
      }
      consumer.poll(Duration.ofMillis(200)).forEach(this::take);
    }
  }

  /** The job's events seen so far (event topics only), in arrival order. */
  public List<PipelineEvent> events(String jobId) {
    List<PipelineEvent> out = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      if (decoded.get(i) != null && jobId.equals(seen.get(i).key())) {
        out.add(decoded.get(i));
      }
    }
    return out;
  }

  private void take(ConsumerRecord<String, byte[]> r) {
    seen.add(r);
    PipelineEvent event = null;
    if (Topics.eventTopics().contains(r.topic())) {
      try {
        event = EventCodec.fromBytes(r.value());
      } catch (RuntimeException undecodable) {
        // a test's deliberate garbage: a record, not an event
      }
    }
    decoded.add(event);
  }

  /** Polls for {@code quiet} more and returns every record seen so far. */
  public List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
    long until = System.nanoTime() + quiet.toNanos();
    while (System.nanoTime() < until) {
      consumer.poll(Duration.ofMillis(200)).forEach(this::take);
    }
    return List.copyOf(seen);
  }

  private String describe() {
    return seen.stream().map(r -> r.topic() + "/" + r.key()).toList().toString();
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
  }
}
