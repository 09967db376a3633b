package dev.topiary.testsupport;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node) running inside the
 * test JVM on a free localhost port, with its log directory under {@code java.io.tmpdir} (the build
 * points that into {@code target/}). Started by {@link #start()}, stopped and wiped by
 * {@link #close()}; about 1.5 s to start.
 *
 * <p>Built on SmallRye's {@code EmbeddedKafkaBroker}, which runs Kafka's own {@code KafkaRaftServer}.
 * Settings favour fast tests: one replica for internal topics and no initial rebalance delay, so a
 * consumer group gets its partitions at once.
 */
public final class KafkaBroker implements KafkaService {
  private final EmbeddedKafkaBroker broker;
  private final String bootstrapServers;

  private KafkaBroker(EmbeddedKafkaBroker broker) {
    this.broker = broker;
    this.bootstrapServers = hostPorts(broker.getAdvertisedListeners());
  }

  /** Starts a broker and returns once it accepts clients. */
  public static KafkaBroker start() {
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
        .withDeleteLogDirsOnClose(true)
        .withAdditionalProperties(p -> {
          p.put("group.initial.rebalance.delay.ms", "0");
          p.put("offsets.topic.replication.factor", "1");
          p.put("transaction.state.log.replication.factor", "1");
          p.put("transaction.state.log.min.isr", "1");
        });
    return new KafkaBroker(broker.start());
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public boolean isRunning() {
    return broker.isRunning();
  }

  @Override
  public void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrapServers + (isRunning() ? "" : ", stopped") + "]";
  }

  /** {@code PLAINTEXT://localhost:1234,...} to {@code localhost:1234,...}. */
  static String hostPorts(String listeners) {
    StringBuilder out = new StringBuilder();
    for (String listener : listeners.split(",")) {
      int scheme = listener.indexOf("://");
      out.append(out.length() == 0 ? "" : ",").append(scheme < 0 ? listener : listener.substring(scheme + 3));
    }
    return out.toString();
  }
}
