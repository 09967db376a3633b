package dev.topiary.gateway;

import dev.topiary.testsupport.KafkaBrokerTestResource;
import dev.topiary.testsupport.S3ServerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * The real servers every gateway test runs against, started once for the test run: an Apache
 * Kafka KRaft broker with every Topiary topic (6 partitions) and an S3 server with the bucket.
 */
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false, initArgs = @ResourceArg(
    name = KafkaBrokerTestResource.TOPICS_ARG, value = "topiary.job-requests.v1:6,topiary.job-rejected.v1:6,topiary.job-submitted.v1:6,"
        + "topiary.rank-computed.v1:6,topiary.layer-pruned.v1:6,topiary.epoch-tuned.v1:6,topiary.model-evaluated.v1:6,"
        + "topiary.job-failed.v1:6,topiary.job-cancelled.v1:6,topiary.dead-letter.v1:1"))
@QuarkusTestResource(value = S3ServerTestResource.class, restrictToAnnotatedClass = false, initArgs = @ResourceArg(
    name = S3ServerTestResource.BUCKETS_ARG, value = "topiary"))
public final class TestServers {
  public static final String ACME = "acme-token-0123456789";
  public static final String GLOBEX = "globex-token-0123456789";
  public static final String INITECH = "initech-token-0123456789";

  private TestServers() {}
}
