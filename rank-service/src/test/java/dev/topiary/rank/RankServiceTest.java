package dev.topiary.rank;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.service.testing.EventBus;
import dev.topiary.service.testing.JobDriver;
import dev.topiary.service.testing.StageServiceContract;
import dev.topiary.testsupport.KafkaBrokerTestResource;
import dev.topiary.testsupport.S3ServerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class,
    initArgs = @ResourceArg(name = KafkaBrokerTestResource.TOPICS_ARG, value = EventBus.ALL_TOPICS))
@QuarkusTestResource(value = S3ServerTestResource.class, initArgs = @ResourceArg(name = S3ServerTestResource.BUCKETS_ARG, value = "topiary"))
class RankServiceTest extends StageServiceContract {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 256, testLimit: 64, batchSize: 64}\n"
      + "prune: {criterion: hrank, rankBatches: 2, select: {compressRate: '[0.5]*2'}}\n"
      + "schedule: {mode: layerwise, perStep: {epochs: 0}, finalTune: {epochs: 0}}\neval: {batchSizes: [1]}\n";

  @Override
  protected Stage stage() {
    return Stage.RANK;
  }

  @Test
  void ranksTheBaselineWithHRankAndStoresOneScoreFilePerJobStep() {
    JobDriver driver = driver();
    String jobId = "rank-hrank";
    StepEvent input = driver.advanceTo(Stage.RANK, driver.submit(jobId, SPEC.formatted(jobId)));
    bus().publish(input);
    RankComputed rank = bus().awaitEvents(jobId, RankComputed.class, 1, STEP_TIMEOUT).get(0);

    assertEquals(input.stepIndex() + 1, rank.stepIndex());
    assertEquals("hrank", rank.criterion());
    assertEquals(input.artifacts().model(), rank.artifacts().model(), "ranking leaves the model as it was");
    ScoresFile scores = ScoresFile.fromBytes(store.getBytes(rank.artifacts().scores()), rank.artifacts().scores().key());
    assertEquals("hrank", scores.criterion());
    assertEquals(rank.groups(), scores.scores().size(), "one row per scored group");
    assertEquals(List.of(6, 16), scores.scores().stream().limit(2).map(ScoresFile.Group::units).toList(),
        "LeNet's two conv groups: 6 and 16 channels");
    assertTrue(scores.scores().get(0).scores()[0] >= 0, "a rank is never negative");
    assertStoredOnce(jobId, rank.stepIndex());
  }

  @Test
  void aRedeliveredEventReEmitsTheStoredResultInsteadOfRankingAgain() {
    JobDriver driver = driver();
    String jobId = "rank-twice";
    StepEvent input = driver.advanceTo(Stage.RANK, driver.submit(jobId, SPEC.formatted(jobId)));
    bus().publish(input);
    bus().publish(input);
    List<RankComputed> both = bus().awaitEvents(jobId, RankComputed.class, 2, STEP_TIMEOUT);
    assertEquals(2, both.size());
    assertArrayEquals(EventCodec.toBytes(both.get(0)), EventCodec.toBytes(both.get(1)),
        "byte for byte the stored event, occurredAt included: one result, two deliveries");
  }
}
