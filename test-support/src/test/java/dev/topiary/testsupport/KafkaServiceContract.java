package dev.topiary.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What every {@link KafkaService} must do, checked with the plain Kafka client. */
abstract class KafkaServiceContract {
  protected abstract KafkaService kafka();

  @Test
  void createsTopicWithTheRequestedPartitionCount() throws Exception {
    String topic = "created-" + UUID.randomUUID();
    kafka().createTopic(topic, 4);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()))) {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertEquals(4, description.partitions().size());
    }
  }

  @Test
  void deliversRecordsWithTheirKeysOnTheProducersPartitions() throws Exception {
    String topic = "events-" + UUID.randomUUID();
    kafka().createTopic(topic, 3);
    Map<String, Integer> partitionOfKey = new HashMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
      for (int i = 0; i < 6; i++) {
        String key = "job-" + (i % 3);
        RecordMetadata sent = producer.send(new ProducerRecord<>(topic, key, "event-" + i)).get();
        Integer before = partitionOfKey.putIfAbsent(key, sent.partition());
        assertEquals(before == null ? sent.partition() : before, sent.partition(), "one key, one partition");
      }
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < 6 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
      }
    }

    assertEquals(6, received.size());
    for (ConsumerRecord<String, String> record : received) {
      int i = Integer.parseInt(record.value().substring("event-".length()));
      assertEquals("job-" + (i % 3), record.key());
      assertEquals(partitionOfKey.get(record.key()), record.partition());
    }
  }

  private Properties producerConfig() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private Properties consumerConfig() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
