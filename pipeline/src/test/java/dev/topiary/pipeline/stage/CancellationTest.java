package dev.topiary.pipeline.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.store.Keys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cancellation marker stops a running fine-tune after its epoch and starts no further step. */
class CancellationTest extends StageTestBase {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 3, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 128, testLimit: 64, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\n"
      + "schedule: {mode: oneshot, finetune: {epochs: 1}}\neval: {batchSizes: [1]}\n";

  @Test
  void cancellingDuringTheBaselineStopsAfterTheCurrentEpochAndNothingFollows() {
    String jobId = "cancel-mid-tune";
    JobSubmitted submitted = jobs.submit(jobId, JobSpecs.parseYaml(SPEC.formatted(jobId)));
    FinetuneStage tune = new FinetuneStage(f.ctx);
    List<PipelineEvent> emitted = new ArrayList<>();
    boolean ran = tune.handle(submitted, e -> {
      emitted.add(e);
      f.store.put(Keys.cancelled(jobId), "{\"reason\":\"test\"}".getBytes(StandardCharsets.UTF_8));
    });

    assertTrue(ran, "the baseline step is the fine-tune stage's");
    assertEquals(1, emitted.size(), "epoch 1 reported, then the cancellation seen after epoch 2: " + emitted);
    assertEquals(1, ((EpochTuned) emitted.get(0)).epoch());
    assertFalse(f.store.exists(Keys.step(jobId, 1, "finetune", StageRunner.EVENT_FILE)), "no completion stored");

    List<PipelineEvent> redelivered = new ArrayList<>();
    tune.handle(submitted, redelivered::add);
    assertEquals(List.of(), redelivered, "a cancelled job runs no step, even on redelivery");
  }

  @Test
  void aJobCancelledBeforeItStartsRunsNothingAnywhere() {
    String jobId = "cancel-early";
    JobSubmitted submitted = jobs.submit(jobId, JobSpecs.parseYaml(SPEC.formatted(jobId)));
    f.store.put(Keys.cancelled(jobId), "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of(submitted), jobs.deliver(submitted));
  }
}
