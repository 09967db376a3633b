package dev.topiary.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.train.TrainingCheckpoint;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.service.testing.EventBus;
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
class FinetuneServiceTest extends StageServiceContract {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\n"
      + "baseline: {epochs: 3, optimizer: {lr: 0.05}, lrSchedule: {type: multistep, milestones: [2], gamma: 0.1}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 128, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 1}}\n";

  @Override
  protected Stage stage() {
    return Stage.FINETUNE;
  }

  @Test
  void trainsTheBaselineReportingEveryEpochAndStoringCheckpointsBetweenThem() {
    String jobId = "tune-baseline";
    JobSubmitted submitted = driver().submit(jobId, SPEC.formatted(jobId));
    bus().publish(submitted);
    List<EpochTuned> epochs = bus().awaitEvents(jobId, EpochTuned.class, 3, STEP_TIMEOUT);

    assertEquals(List.of(1, 2, 3), epochs.stream().map(EpochTuned::epoch).toList());
    assertTrue(epochs.stream().allMatch(e -> e.epochs() == 3 && e.stepIndex() == 1 && e.valAccuracy() != null));
    double[] lrs = epochs.stream().mapToDouble(EpochTuned::learningRate).toArray();
    assertArrayEquals(new double[] {0.05, 0.05, 0.005}, lrs, 1e-12, "the multistep schedule");
    assertTrue(epochs.get(2).trainLoss() < epochs.get(0).trainLoss(), "it learns: " + epochs);
    assertTrue(epochs.get(2).valAccuracy() > 0.1, "beyond chance (10 classes): " + epochs.get(2).valAccuracy());
    assertNull(epochs.get(0).artifacts().model(), "progress events carry the step's input: no model yet");
    assertNotNull(epochs.get(2).artifacts().model(), "the last epoch carries the trained model");
    assertTrue(store.exists(epochs.get(2).artifacts().model().weights().key()));
    assertTrue(store.exists(Keys.step(jobId, 1, "finetune", TrainingCheckpoint.FILE_NAME)),
        "the checkpoint a restarted service resumes from");
    assertStoredOnce(jobId, 1);
  }
}
