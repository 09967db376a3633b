package dev.topiary.gateway.view;

import dev.topiary.pipeline.event.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads every event topic from its beginning into a {@link JobView}, then follows it. Each start
 * uses a fresh consumer group and commits nothing, so every gateway instance, and every restart,
 * replays the whole history: the topics are the only store of job state. {@link #caughtUp()}
 * turns true once the positions reached the end offsets seen at assignment (readiness).
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} once; runs on its own daemon thread.
 */
public final class EventTail implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventTail.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final JobView view;
  private final Thread thread;
  private final Map<TopicPartition, Long> targets = new HashMap<>();
  private volatile boolean caughtUp;
  private volatile boolean running = true;

  private final Runnable onCaughtUp;

  public EventTail(String bootstrapServers, JobView view) {
    this(bootstrapServers, view, () -> {});
  }

  /** @param onCaughtUp runs once, on the tail's thread, when the view has caught up */
  public EventTail(String bootstrapServers, JobView view, Runnable onCaughtUp) {
    this.view = view;
    this.onCaughtUp = onCaughtUp;
    this.consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "topiary-gateway-view-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000),
        new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "topiary-event-tail");
    this.thread.setDaemon(true);
  }

  public void start() {
    consumer.subscribe(Topics.eventTopics(), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        consumer.seekToBeginning(partitions);
        consumer.endOffsets(partitions).forEach(targets::put);
      }
    });
    thread.start();
  }

  /** Whether the view holds at least everything the topics held when this tail was assigned them. */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** Whether the tail still follows the topics (its thread did not stop on an error). */
  public boolean following() {
    return thread.isAlive();
  }

  /** How often the tail retries one job's unreadable plan between polls. */
  private static final long PLAN_RETRY_NANOS = 5_000_000_000L;

  private void run() {
    long lastPlanRetry = System.nanoTime();
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() != null) {
            view.accept(r.value());
          }
        }
        if (System.nanoTime() - lastPlanRetry > PLAN_RETRY_NANOS) {
          view.retryOneUnreadPlan();
          lastPlanRetry = System.nanoTime();
        }
        if (!caughtUp && !targets.isEmpty()) {
          caughtUp = targets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
          if (caughtUp) {
            onCaughtUp.run();
          }
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "event tail stopped: the job view no longer follows the topics");
      throw e;
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
