/**
 * Real servers for tests, started by the test suite itself: {@link dev.topiary.testsupport.KafkaBroker}
 * (an Apache Kafka KRaft broker in the test JVM) and {@link dev.topiary.testsupport.S3Server} (S3Proxy
 * in the test JVM, checking AWS signature V4), each on a free localhost port and needing no Docker.
 * {@link dev.topiary.testsupport.DockerKafka} and {@link dev.topiary.testsupport.DockerMinio} are the
 * same services in containers, behind the same interfaces ({@link dev.topiary.testsupport.KafkaService},
 * {@link dev.topiary.testsupport.S3Service}), for runs that have a Docker engine. The
 * {@code *TestResource} classes adapt the in-JVM servers to Quarkus' test-resource lifecycle.
 * {@link dev.topiary.testsupport.BadRecords} makes the malformed Kafka records of the fuzz tests
 * (issue 16), shared by the gateway's and the stage services' consumers' tests.
 *
 * <p>Test scope only: nothing here belongs in a service's runtime class path.
 */
package dev.topiary.testsupport;
