package dev.topiary.service;

import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Topics;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes events to their type's topic ({@link Topics#of}), keyed by job id so that one job's
 * events stay ordered, and returns only when the broker has acknowledged the record: a consumer
 * that publishes before returning acknowledges its input after its output is safe.
 */
@ApplicationScoped
public class EventPublisher {
  private final MutinyEmitter<byte[]> emitter;

  @Inject
  public EventPublisher(@Channel(Channels.EVENTS) MutinyEmitter<byte[]> emitter) {
    this.emitter = emitter;
  }

  public void publish(PipelineEvent event) {
    OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
        .withKey(event.jobId()).withTopic(Topics.of(event)).build();
    emitter.sendMessageAndAwait(Message.of(EventCodec.toBytes(event)).addMetadata(metadata));
  }
}
