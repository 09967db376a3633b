package dev.topiary.finetune;

import dev.topiary.pipeline.stage.FinetuneStage;
import dev.topiary.pipeline.stage.StageContext;
import dev.topiary.pipeline.stage.StageRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The finetune-service: the service kit's consumer ({@code dev.topiary.service.StageConsumer}) runs this
 * stage's steps with a {@link FinetuneStage}; configuration in {@code application.properties}.
 */
@ApplicationScoped
public class FinetuneService {
  @Produces
  @Singleton
  StageRunner runner(StageContext ctx) {
    return new FinetuneStage(ctx);
  }
}
