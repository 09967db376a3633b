package dev.topiary.gateway.submit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.gateway.Fixtures;
import dev.topiary.gateway.GatewayConfigs;
import dev.topiary.gateway.api.ApiException;
import dev.topiary.gateway.ratelimit.TenantRateLimits;
import dev.topiary.gateway.view.JobView;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.testsupport.S3Server;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A submission whose JobSubmitted the broker does not take leaves nothing in the store, answers 503 and keeps no rate token. */
class PublishFailureTest {
  private static S3Server s3;
  private static ArtifactStore store;

  @BeforeAll
  static void start() {
    s3 = S3Server.start();
    store = ArtifactStore.builder().setEndpoint(s3.endpoint()).setAccessKey(s3.accessKey()).setSecretKey(s3.secretKey())
        .setBucket("topiary").build();
    store.ensureBucket();
  }

  @AfterAll
  static void stop() {
    store.close();
    s3.close();
  }

  @Test
  void deletesThePlanWhenPublishingFails() {
    JobSubmitter submitter = new JobSubmitter();
    submitter.store = store;
    submitter.config = GatewayConfigs.of(Map.of(), null);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    submitter.registry = registry;
    submitter.view = new JobView(ref -> null);
    TenantRateLimits limits = new TenantRateLimits(GatewayConfigs.rateLimit(true, 1, 1, 1, 1), () -> 0L); // one token, never refilled
    submitter.rateLimits = limits;
    submitter.publisher = new EventPublisher("localhost:1", GatewayConfigs.of(Map.of(), null)) {
      @Override
      public void publish(String topic, String key, byte[] value) {
        assertTrue(store.exists(Keys.plan(key)), "the plan is stored before the event goes out");
        throw new PublishException("broker down", new RuntimeException("test"));
      }
    };
    ApiException e = assertThrows(ApiException.class, () -> submitter.submit("acme", Fixtures.lenetSpecYaml("unlucky"),
        JobSpecs.Format.YAML, "unlucky-job", null));
    assertEquals(503, e.status());
    assertEquals("the event bus did not take the job; nothing was kept, try again", e.errors().get(0).message());
    assertEquals(0, store.list(Keys.job("unlucky-job")).size());
    assertEquals(1.0, registry.counter("topiary.gateway.submissions", "source", "rest", "outcome", "failed").count());
    assertDoesNotThrow(() -> limits.takeSubmission("acme"), "a submission that was not published gives its token back");
  }
}
