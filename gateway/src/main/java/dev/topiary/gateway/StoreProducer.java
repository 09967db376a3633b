package dev.topiary.gateway;

import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The artifact store from {@code topiary.s3.*}, the keys every service reads. A stand-in until
 * the service kit's producer is on main; it is a {@link DefaultBean}, so the kit's wins once both
 * are present. The bucket is created when missing, so a fresh local stack works.
 */
@ApplicationScoped
public class StoreProducer {
  @Produces
  @ApplicationScoped
  @DefaultBean
  ArtifactStore store(
      @ConfigProperty(name = "topiary.s3.endpoint") String endpoint,
      @ConfigProperty(name = "topiary.s3.access-key") String accessKey,
      @ConfigProperty(name = "topiary.s3.secret-key") String secretKey,
      @ConfigProperty(name = "topiary.s3.bucket", defaultValue = "topiary") String bucket) {
    ArtifactStore store = ArtifactStore.builder().setEndpoint(endpoint).setAccessKey(accessKey).setSecretKey(secretKey)
        .setBucket(bucket).build();
    store.ensureBucket();
    return store;
  }

  void close(@Disposes ArtifactStore store) {
    store.close();
  }
}
