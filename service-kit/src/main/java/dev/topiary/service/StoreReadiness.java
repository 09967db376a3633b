package dev.topiary.service;

import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ArtifactStoreException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the artifact store answers and its bucket exists (at {@code /q/health/ready}). */
@Readiness
@ApplicationScoped
public class StoreReadiness implements HealthCheck {
  private final ArtifactStore store;

  @Inject
  public StoreReadiness(ArtifactStore store) {
    this.store = store;
  }

  @Override
  public HealthCheckResponse call() {
    var response = HealthCheckResponse.named("artifact-store").withData("endpoint", store.endpoint()).withData("bucket", store.bucket());
    try {
      return store.bucketExists() ? response.up().build() : response.down().withData("reason", "bucket does not exist").build();
    } catch (ArtifactStoreException e) {
      return response.down().withData("reason", e.getMessage()).build();
    }
  }
}
