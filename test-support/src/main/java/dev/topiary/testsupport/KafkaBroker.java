package dev.topiary.testsupport;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Apache Kafka broker (KRaft, combined broker and controller, one node) running inside the
 * test JVM on a free localhost port, with its log directory under {@code java.io.tmpdir} (the build
 * points that into {@code target/}). Started by {@link #start()}, stopped and wiped by
 * {@link #close()}; about 1.5 s to start.
 *
 * <p>{@link #stop()} takes the broker down and keeps its log directory, ports and cluster id;
 * {@link #restart()} starts it again on them, as after an outage: topics, records and committed
 * offsets are all still there, and clients reconnect on their own.
 *
 * <p>Built on SmallRye's {@code EmbeddedKafkaBroker}, which runs Kafka's own {@code KafkaRaftServer}.
 * Settings favour fast tests: one replica for internal topics and no initial rebalance delay, so a
 * consumer group gets its partitions at once.
 */
public final class KafkaBroker implements KafkaService {
  private final Path logDir;
  private final int port;
  private final int controllerPort;
  private final String clusterId;
  private EmbeddedKafkaBroker broker;

  private KafkaBroker(Path logDir, int port, int controllerPort, String clusterId) {
    this.logDir = logDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.clusterId = clusterId;
  }

  /** Starts a broker and returns once it accepts clients. */
  public static KafkaBroker start() {
    try {
      int[] ports = freePorts();
      KafkaBroker b = new KafkaBroker(Files.createTempDirectory("topiary-kafka-"), ports[0], ports[1],
          org.apache.kafka.common.Uuid.randomUuid().toString());
      b.restart();
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's log directory", e);
    }
  }

  @Override
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public synchronized boolean isRunning() {
    return broker != null && broker.isRunning();
  }

  /** Takes the broker down (clients see it gone), keeping its log directory for {@link #restart()}. */
  public synchronized void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** Starts the broker (again) on the same ports, log directory and cluster id. */
  public synchronized void restart() {
    if (isRunning()) {
      return;
    }
    broker = new EmbeddedKafkaBroker()
        .withKafkaPort(port)
        .withControllerPort(controllerPort)
        .withClusterId(clusterId)
        .withDeleteLogDirsOnClose(false)
        .withAdditionalProperties(p -> {
          p.put("log.dir", logDir.toString());
          p.put("group.initial.rebalance.delay.ms", "0");
          p.put("offsets.topic.replication.factor", "1");
          p.put("transaction.state.log.replication.factor", "1");
          p.put("transaction.state.log.min.isr", "1");
        })
        .start();
  }

  @Override
  public synchronized void close() {
    stop();
    if (!Files.exists(logDir)) {
      return; // closed before
    }
    try (java.util.stream.Stream<Path> files = Files.walk(logDir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the broker's log directory " + logDir, e);
    }
  }

  @Override
  public String toString() {
    return "KafkaBroker[" + bootstrapServers() + (isRunning() ? "" : ", stopped") + "]";
  }

  /**
   * Two distinct free ports, for clients and the controller: both sockets stay open while the second
   * is picked, since a port freed by the first could be handed out again (a broker refuses two
   * listeners on one port).
   */
  private static int[] freePorts() throws IOException {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return new int[] {a.getLocalPort(), b.getLocalPort()};
    }
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
