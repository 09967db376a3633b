package dev.topiary.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * An in-memory {@link S3Server} as a Quarkus test resource. It sets
 * {@value S3Service#ENDPOINT_PROPERTY}, {@value S3Service#ACCESS_KEY_PROPERTY} and
 * {@value S3Service#SECRET_KEY_PROPERTY}. The optional init argument {@value #BUCKETS_ARG} creates
 * buckets before the application starts: {@code "topiary,datasets"}.
 */
public class S3ServerTestResource implements QuarkusTestResourceLifecycleManager {
  public static final String BUCKETS_ARG = "buckets";

  private String buckets = "";
  private S3Server server;

  @Override
  public void init(Map<String, String> initArgs) {
    buckets = initArgs.getOrDefault(BUCKETS_ARG, "");
  }

  @Override
  public Map<String, String> start() {
    server = S3Server.start();
    for (String bucket : buckets.split(",")) {
      if (!bucket.isBlank()) {
        server.createBucket(bucket.trim());
      }
    }
    return server.quarkusConfig();
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
