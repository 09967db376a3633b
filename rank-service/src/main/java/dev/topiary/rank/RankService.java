package dev.topiary.rank;

import dev.topiary.pipeline.stage.RankStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The rank-service: the service kit's consumer ({@code dev.topiary.service.StageConsumer}) runs this
 * stage's steps with a {@link RankStage}; configuration in {@code application.properties}.
 */
@ApplicationScoped
public class RankService {
  @Produces
  @Singleton
  StageRunner runner(StageContext ctx) {
    return new RankStage(ctx);
  }
}
