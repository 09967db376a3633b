package dev.topiary.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The Quarkus lifecycle adapters, driven the way Quarkus drives them: init, start, stop. */
class QuarkusTestResourcesTest {
  @Test
  void kafkaResourceCreatesTheNamedTopicsAndPublishesBootstrapServers() throws Exception {
    KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
    resource.init(Map.of(KafkaBrokerTestResource.TOPICS_ARG, "job-events:3, step-done:1"));
    try {
      Map<String, String> config = resource.start();
      String servers = config.get(KafkaService.SMALLRYE_KAFKA_BOOTSTRAP_SERVERS);
      assertEquals(servers, config.get(KafkaService.KAFKA_BOOTSTRAP_SERVERS));
      try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
        var topics = admin.describeTopics(List.of("job-events", "step-done")).allTopicNames().get();
        assertEquals(3, topics.get("job-events").partitions().size());
        assertEquals(1, topics.get("step-done").partitions().size());
      }
    } finally {
      resource.stop();
    }
  }

  @Test
  void kafkaResourceRejectsAMalformedTopicListBeforeStartingABroker() {
    KafkaBrokerTestResource resource = new KafkaBrokerTestResource();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resource.init(Map.of(KafkaBrokerTestResource.TOPICS_ARG, "job-events")));
    assertTrue(e.getMessage().contains("'job-events'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> resource.init(Map.of(KafkaBrokerTestResource.TOPICS_ARG, "t:0")));
  }

  @Test
  void s3ResourceCreatesTheNamedBucketsAndPublishesCredentials() throws Exception {
    S3ServerTestResource resource = new S3ServerTestResource();
    resource.init(Map.of(S3ServerTestResource.BUCKETS_ARG, "topiary, datasets"));
    try {
      Map<String, String> config = resource.start();
      try (MinioClient client = MinioClient.builder().endpoint(config.get(S3Service.ENDPOINT_PROPERTY))
          .region(S3Service.REGION)
          .credentials(config.get(S3Service.ACCESS_KEY_PROPERTY), config.get(S3Service.SECRET_KEY_PROPERTY)).build()) {
        assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket("topiary").build()));
        assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket("datasets").build()));
      }
    } finally {
      resource.stop();
    }
  }
}
