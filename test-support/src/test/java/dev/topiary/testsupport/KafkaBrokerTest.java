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
  void closeStopsTheBroker() {
    KafkaBroker other = KafkaBroker.start();
    other.close();
    assertFalse(other.isRunning());
    other.close(); // idempotent
  }
}
