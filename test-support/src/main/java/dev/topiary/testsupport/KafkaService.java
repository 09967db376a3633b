package dev.topiary.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A running Kafka cluster that a test talks to through {@link #bootstrapServers()}. Closing it stops
 * the cluster and deletes its data.
 */
public interface KafkaService extends AutoCloseable {
  /** Quarkus/Kafka client property: the bootstrap servers. */
  String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  /** Quarkus property: the bootstrap servers of the SmallRye Kafka connector. */
  String SMALLRYE_KAFKA_BOOTSTRAP_SERVERS = "mp.messaging.connector.smallrye-kafka.bootstrap.servers";

  /** {@code host:port[,host:port...]} for a client's {@code bootstrap.servers}. */
  String bootstrapServers();

  /**
   * Creates a topic with replication factor 1 and returns once every partition has a leader: the
   * controller acknowledges the creation before the broker serves it.
   */
  default void createTopic(String topic, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions + " for topic " + topic);
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!ready(admin, topic, partitions)) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException("topic " + topic + " has no leader for all " + partitions + " partitions after 30 s");
        }
        Thread.sleep(20);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + topic + " with " + partitions + " partitions on "
          + bootstrapServers(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
  }

  private static boolean ready(Admin admin, String topic, int partitions) throws InterruptedException,
      TimeoutException {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
          .get(topic);
      return description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false; // created on the controller, not yet known to the broker
      }
      throw new IllegalStateException("cannot describe topic " + topic, e.getCause());
    }
  }

  /** The configuration a Quarkus application under test needs to reach this cluster. */
  default Map<String, String> quarkusConfig() {
    return Map.of(KAFKA_BOOTSTRAP_SERVERS, bootstrapServers(), SMALLRYE_KAFKA_BOOTSTRAP_SERVERS, bootstrapServers());
  }

  /** Stops the cluster and deletes its data; a second call does nothing. */
  @Override
  void close();
}
