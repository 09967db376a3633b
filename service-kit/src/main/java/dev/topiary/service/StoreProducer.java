package dev.topiary.service;

import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.ArtifactStoreBuilder;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/** Builds the artifact store from configuration ({@link StoreConfig}), once per process: every service's, the gateway's too. */
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
    if (config.cacheMaxMib() < 1) {
      throw new IllegalArgumentException("topiary.s3.cache-max-mib: must be >= 1, got " + config.cacheMaxMib());
    }
    b.optCacheMaxBytes(config.cacheMaxMib() << 20);
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
