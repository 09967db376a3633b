package dev.topiary.local;

import org.junit.jupiter.api.BeforeAll;

/** The end-to-end jobs on the in-JVM servers: Apache Kafka's KRaft broker and S3Proxy. */
class PipelineEndToEndTest extends EndToEndContract {
  @BeforeAll
  static void startStack() {
    started(stackBuilder("e2e-run").start());
  }
}
