/**
 * The embedded local stack: {@link LocalStack} runs a real Kafka broker and a real S3 server in
 * this JVM and the services as child processes ({@link ServiceProcess}), each from its built
 * Quarkus app, waits on their health checks and stops them all on close. {@link LocalCommand} is
 * {@code ./topiary local}.
 */
package dev.topiary.local;
