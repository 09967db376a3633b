package dev.topiary.gateway;

import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ArtifactStoreBuilder;
import dev.topiary.service.StoreConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The artifact store from the service kit's {@link StoreConfig} ({@code topiary.s3.*}), built as
 * the kit builds it. The kit's own producer is left out ({@code quarkus.arc.exclude-types}) because
 * it also builds the stages' context at start-up, which loads libtorch: the gateway runs no model.
 * The kit's store readiness check still applies.
 */
@Singleton
public class StoreProducer {
  private static final Logger LOG = Logger.getLogger(StoreProducer.class);

  @Produces
  @Singleton
  @Startup
  ArtifactStore store(StoreConfig config) {
    ArtifactStoreBuilder b = ArtifactStore.builder().setEndpoint(config.endpoint()).setAccessKey(config.accessKey())
        .setSecretKey(config.secretKey()).setBucket(config.bucket()).optPartSize((long) config.partSizeMib() << 20);
    config.region().ifPresent(b::optRegion);
    config.cacheDir().map(Path::of).ifPresent(b::optCacheDir);
    ArtifactStore store = b.build();
    if (config.createBucket() && store.ensureBucket()) {
      LOG.infof("created bucket %s at %s", store.bucket(), store.endpoint());
    }
    return store;
  }

  void close(@Disposes ArtifactStore store) {
    store.close();
  }
}
