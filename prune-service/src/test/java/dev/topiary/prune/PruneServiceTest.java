package dev.topiary.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.PipelineEvent;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class,
    initArgs = @ResourceArg(name = KafkaBrokerTestResource.TOPICS_ARG, value = EventBus.ALL_TOPICS))
@QuarkusTestResource(value = S3ServerTestResource.class, initArgs = @ResourceArg(name = S3ServerTestResource.BUCKETS_ARG, value = "topiary"))
class PruneServiceTest extends StageServiceContract {
  private static final String BASE = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 256, testLimit: 64, batchSize: 64}\neval: {batchSizes: [1]}\n";

  @Override
  protected Stage stage() {
    return Stage.PRUNE;
  }

  @Test
  void cutsHalfTheFlopsByL1AndStoresTheSmallerModel() {
    JobDriver driver = driver();
    String jobId = "prune-l1";
    StepEvent input = driver.advanceTo(Stage.PRUNE, driver.submit(jobId, BASE.formatted(jobId)
        + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 0}}\n"));
    bus().publish(input);
    LayerPruned cut = bus().awaitEvents(jobId, LayerPruned.class, 1, STEP_TIMEOUT).get(0);

    long baselineMacs = baselineMacs(driver, input);
    assertTrue(cut.macsAfter() <= baselineMacs / 2, cut.macsAfter() + " MACs after, " + baselineMacs + " before");
    assertTrue(cut.groups().stream().allMatch(g -> g.channelsAfter() < g.channelsBefore()), cut.groups().toString());
    Graph stored = GraphJson.read(new String(store.getBytes(cut.artifacts().model().graph()), StandardCharsets.UTF_8), "pruned");
    assertEquals(stored.macs(), cut.macsAfter(), "the event's figures are the stored model's");
    assertEquals(stored.parameterCount(), cut.paramsAfter());
  }

  @Test
  void anImpossibleCutEndsTheJobWithJobFailedNamingTheReason() {
    JobDriver driver = driver();
    String jobId = "prune-overslim";
    StepEvent input = driver.advanceTo(Stage.PRUNE, driver.submit(jobId, BASE.formatted(jobId).replace("lenet5", "resnet20, inputShape: [1, 28, 28]")
        .replace("trainLimit: 256", "trainLimit: 64") + "prune: {granularity: channel}\n"
        + "schedule: {mode: slimming, sparsityTraining: {epochs: 0}, percent: 0.99, finetune: {epochs: 0}}\n"));
    bus().publish(input);
    JobFailed failed = bus().awaitEvents(jobId, JobFailed.class, 1, STEP_TIMEOUT).get(0);
    assertEquals(Stage.PRUNE, failed.stage());
    assertEquals("InvalidPruningConfigException", failed.errorType());
    assertTrue(failed.message().contains("largest percent allowed"), failed.message());
    List<PipelineEvent> after = bus().drain(Duration.ofSeconds(2)).stream().filter(r -> jobId.equals(r.key()))
        .map(r -> dev.topiary.pipeline.event.EventCodec.fromBytes(r.value())).toList();
    assertEquals(failed, after.get(after.size() - 1), "nothing follows a failure");
  }

  private long baselineMacs(JobDriver driver, StepEvent input) {
    Graph g = GraphJson.read(new String(store.getBytes(input.artifacts().model().graph()), StandardCharsets.UTF_8), "input");
    return g.macs();
  }
}
