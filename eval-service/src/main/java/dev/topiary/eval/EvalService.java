package dev.topiary.eval;

import dev.topiary.pipeline.stage.EvalStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The eval-service: the service kit's consumer ({@code dev.topiary.service.StageConsumer}) runs this
 * stage's steps with a {@link EvalStage}; configuration in {@code application.properties}.
 */
@ApplicationScoped
public class EvalService {
  @Produces
  @Singleton
  StageRunner runner(StageContext ctx) {
    return new EvalStage(ctx);
  }
}
