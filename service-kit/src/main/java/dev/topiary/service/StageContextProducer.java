package dev.topiary.service;

import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.store.ArtifactStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * Builds a stage service's {@link StageContext} from {@link StageConfig}, applying the engine
 * settings first. Stage services only: the gateway, which runs no model, leaves this bean out.
 */
@Singleton
public class StageContextProducer {
  private static final Logger LOG = Logger.getLogger(StageContextProducer.class);

  /**
   * Builds the stage context at start-up rather than at the first record: loading libtorch takes
   * seconds, which would otherwise land on the first job's first step of every service.
   */
  void eager(@Observes StartupEvent start, StageContext ctx) {
    LOG.infof("stage context ready: work folder %s", ctx.workDir());
  }

  /** The runners' context; applies the engine settings (threads, device) first, as they must precede any model. */
  @Produces
  @Singleton
  StageContext stageContext(ArtifactStore store, StageConfig config) {
    EngineSettings.Builder engine = EngineSettings.builder().optDevice(config.device());
    config.intraOpThreads().ifPresent(engine::optIntraOpThreads);
    config.interOpThreads().ifPresent(engine::optInterOpThreads);
    EngineSettings settings = engine.build();
    LOG.infof("engine: %s on %s", settings, settings.apply());
    return StageContext.builder().setStore(store).setWorkDir(Path.of(config.workDir()))
        .optDatasetRoot(Path.of(config.datasetRoot())).optLatencyRuns(config.latencyWarmup(), config.latencyRuns())
        .optMaxStepCrashes(config.maxStepCrashes()).build();
  }
}
