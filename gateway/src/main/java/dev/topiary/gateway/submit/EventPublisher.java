package dev.topiary.gateway.submit;

import dev.topiary.gateway.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the gateway's events and waits for the broker's acknowledgement (acks=all,
 * idempotent), so that a caller knows whether the event is durable before it answers, and can
 * undo what it stored when it is not. One producer for the application; thread-safe.
 */
@ApplicationScoped
public class EventPublisher {
  private final KafkaProducer<String, byte[]> producer;
  private final long timeoutMs;

  @Inject
  public EventPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, GatewayConfig config) {
    this.timeoutMs = config.publishTimeoutMs();
    this.producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.CLIENT_ID_CONFIG, "topiary-gateway",
        ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeoutMs,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 2000),
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeoutMs, 2000) - 500), // delivery >= linger + request
        new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends one record keyed by {@code key} and waits for it to be acknowledged.
   *
   * @throws PublishException when the broker did not acknowledge it in time
   */
  public void publish(String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new PublishException("publishing to " + topic + " (key " + key + ") failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while publishing to " + topic, e);
    }
  }

  @PreDestroy
  void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** The event may not be durable: the caller undoes what it stored and answers 503. */
  public static class PublishException extends RuntimeException {
    public PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
