package dev.topiary.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
  @Test
  void readsMappingMethodsNestedGroupsAndPropertyNames() {
    String source = """
        /** Javadoc {@code x.y}. */
        @ConfigMapping(prefix = "topiary.stage")
        public interface StageConfig {
          /** Where, e.g. {@code http://minio:9000}. */
          @WithDefault("auto")
          String device();
          Optional<Integer> intraOpThreads();
          @WithName("dataset")
          String datasetRoot();
          Retry retry();
          interface Retry {
            @WithDefault("3")
            int attempts();
          }
        }
        class Other { @ConfigProperty(name = "topiary.gateway.tokens") String tokens; }
        """;
    assertEquals(Set.of("topiary.stage.device", "topiary.stage.intra-op-threads", "topiary.stage.dataset",
        "topiary.stage.retry.attempts", "topiary.gateway.tokens"), ConfigKeys.ofSource(source));
  }

  @Test
  void aMapMappingTakesAnyKeyBelowItsName() {
    String source = """
        @ConfigMapping(prefix = "topiary.gateway")
        public interface GatewayConfig {
          Map<String, String> tenants();
          long maxSpecBytes();
        }
        """;
    assertEquals(Set.of("topiary.gateway.tenants.*", "topiary.gateway.max-spec-bytes"), ConfigKeys.ofSource(source));
    assertTrue(ConfigKeys.envSets("topiary.gateway.tenants.*", "TOPIARY_GATEWAY_TENANTS_ACME"));
    assertFalse(ConfigKeys.envSets("topiary.gateway.tenants.*", "TOPIARY_GATEWAY_TENANTS_"), "a map entry needs a name");
    assertFalse(ConfigKeys.envSets("topiary.gateway.tenants.*", "TOPIARY_GATEWAY_TENANT_ACME"));
    ServiceModule gateway = ServiceModule.load(Repo.root(), "gateway").orElseThrow();
    assertTrue(gateway.readsEnv("TOPIARY_GATEWAY_TENANTS_DEFAULT"));
    assertFalse(gateway.readsEnv("TOPIARY_GATEWAY_TENANT_DEFAULT"));
  }

  @Test
  void mapsKeysToEnvironmentVariablesAsMicroProfileDoes() {
    assertEquals("MP_MESSAGING_INCOMING_STEPS_GROUP_ID", ConfigKeys.envName("mp.messaging.incoming.steps.group.id"));
    assertEquals("TOPIARY_S3_PART_SIZE_MIB", ConfigKeys.envName("topiary.s3.part-size-mib"));
  }

  @Test
  void aStageServiceReadsTheKitsKeys() {
    ServiceModule rank = ServiceModule.load(Repo.root(), "rank-service").orElseThrow();
    assertEquals(8081, rank.port());
    for (String env : Set.of("TOPIARY_S3_ACCESS_KEY", "TOPIARY_S3_CREATE_BUCKET", "TOPIARY_STAGE_RETRY_BACKOFF",
        "TOPIARY_STAGE_LATENCY_WARMUP", "MP_MESSAGING_INCOMING_STEPS_GROUP_ID", "KAFKA_BOOTSTRAP_SERVERS", "MALLOC_ARENA_MAX")) {
      assertTrue(rank.readsEnv(env), env);
    }
    assertFalse(rank.readsEnv("TOPIARY_S3_ACCESSKEY"));
    assertFalse(rank.readsEnv("QUARKUS_HTTP_PORTT"));
  }
}
