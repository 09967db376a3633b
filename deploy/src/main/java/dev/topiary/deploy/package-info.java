/**
 * Readers of Topiary's deployment files and the drift checks over them, used by this module's tests.
 *
 * <p>{@link dev.topiary.deploy.DashboardQueries} pulls the metric names out of the Grafana
 * dashboards' PromQL (a service's test compares them with its live {@code /q/metrics});
 * {@link dev.topiary.deploy.ServiceModule} is what a Quarkus module declares (port, config keys,
 * Dockerfiles); {@link dev.topiary.deploy.ComposeFile} and {@link dev.topiary.deploy.KubeManifests}
 * read docker-compose.yml and the Kubernetes manifests into {@link dev.topiary.deploy.Container}s;
 * {@link dev.topiary.deploy.DriftCheck} compares containers with modules and lists every problem;
 * {@link dev.topiary.deploy.KedaCheck} does the same for KEDA ScaledObjects against the stage
 * services, {@code Topics} and the Kafka bootstrap Service.
 */
package dev.topiary.deploy;
