package dev.topiary.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest extends KafkaServiceContract {
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Override
  protected KafkaService kafka() {
    return broker;
  }

  @Test
  void listensOnALocalhostPort() {
    assertTrue(broker.isRunning());
    assertTrue(broker.bootstrapServers().matches("localhost:[0-9]+"), broker.bootstrapServers());
    assertEquals(broker.bootstrapServers(), broker.quarkusConfig().get(KafkaService.KAFKA_BOOTSTRAP_SERVERS));
    assertEquals(broker.bootstrapServers(), broker.quarkusConfig().get(KafkaService.SMALLRYE_KAFKA_BOOTSTRAP_SERVERS));
  }

  @Test
  void stripsTheListenerSchemeFromAdvertisedListeners() {
    assertEquals("localhost:1,127.0.0.1:2", KafkaBroker.hostPorts("PLAINTEXT://localhost:1,SASL://127.0.0.1:2"));
    assertEquals("localhost:3", KafkaBroker.hostPorts("localhost:3"));
  }

  @Test
  void aRestartAfterAnOutageServesTheSameRecordsOnTheSamePort() throws Exception {
    KafkaBroker other = KafkaBroker.start();
    try {
      other.createTopic("outage", 1);
      java.util.Properties p = new java.util.Properties();
      p.put("bootstrap.servers", other.bootstrapServers());
      try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
          new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("outage", "k", "before")).get();
      }
      String address = other.bootstrapServers();
      other.stop();
      assertFalse(other.isRunning());
      other.restart();
      assertTrue(other.isRunning());
      assertEquals(address, other.bootstrapServers());
      p.put("group.id", "outage-check");
      p.put("auto.offset.reset", "earliest");
      try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(p,
          new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.StringDeserializer())) {
        consumer.subscribe(java.util.List.of("outage"));
        java.util.List<String> values = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (values.isEmpty() && System.nanoTime() < deadline) {
          consumer.poll(java.time.Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        assertEquals(java.util.List.of("before"), values, "the record written before the outage");
      }
    } finally {
      other.close();
    }
  }

  @Test
  void closeStopsTheBroker() {
    KafkaBroker other = KafkaBroker.start();
    other.close();
    assertFalse(other.isRunning());
    other.close(); // idempotent
  }
}
