package dev.topiary.gateway;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** The tests' side of the real broker: publish as a stage would, read what the gateway published. */
public final class Bus {
  private Bus() {}

  public static String bootstrap() {
    return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
  }

  /** Publishes events as the stage services do: JSON, keyed by job id, on the event's topic; waits for the acks. */
  public static void publish(PipelineEvent... events) {
    try (KafkaProducer<String, byte[]> p = producer()) {
      for (PipelineEvent e : events) {
        p.send(new ProducerRecord<>(Topics.of(e), e.jobId(), EventCodec.toBytes(e))).get(10, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("publishing test events", e);
    }
  }

  /** Publishes one raw record with headers (name, value pairs); returns where it landed. */
  public static RecordMetadata send(String topic, String key, byte[] value, String... headers) {
    try (KafkaProducer<String, byte[]> p = producer()) {
      ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value);
      for (int i = 0; i < headers.length; i += 2) {
        r.headers().add(new RecordHeader(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8)));
      }
      return p.send(r).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("publishing a test record", e);
    }
  }

  /** The first record on a topic (read from the beginning) whose value satisfies the predicate, within the timeout. */
  public static Optional<ConsumerRecord<String, byte[]>> find(String topic, Predicate<String> value, Duration timeout) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      long end = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < end) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.value() != null && value.test(new String(r.value(), StandardCharsets.UTF_8))) {
            return Optional.of(r);
          }
        }
      }
      return Optional.empty();
    }
  }

  private static KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer());
  }
}
