package dev.topiary.prune;

import dev.topiary.pipeline.stage.PruneStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The prune-service: the service kit's consumer ({@code dev.topiary.service.StageConsumer}) runs this
 * stage's steps with a {@link PruneStage}; configuration in {@code application.properties}.
 */
@ApplicationScoped
public class PruneService {
  @Produces
  @Singleton
  StageRunner runner(StageContext ctx) {
    return new PruneStage(ctx);
  }
}
