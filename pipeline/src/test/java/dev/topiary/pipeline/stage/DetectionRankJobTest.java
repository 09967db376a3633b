package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.prune.importance.ScoresFile;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.RankComputed;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.StepKind;
import dev.topiary.engine.detect.DetectionScenes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-driven criteria on a detector through the four runners and a real S3 server: a one-shot
 * detection job (yolov5n at 64 px, 24 + 8 generated scenes) scores its groups on the detection
 * data, Taylor through YOLOv5's loss, and its cut removes each group's lowest-scored channels as
 * the stored {@code scores.json} gives them; the same on a COCO dataset uploaded to the store.
 */
class DetectionRankJobTest extends StageTestBase {
  static String spec(String criterion) {
    return """
        name: det-%s
        task: detection
        model: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}
        baseline: {epochs: 1, nominalBatch: 8, minWarmupIterations: 2}
        dataset: {kind: generated, train: 24, val: 8, size: 64, batchSize: 8}
        prune: {criterion: %s, rankBatches: 2, select: {globalRatio: 0.3}}
        schedule: {mode: oneshot, finetune: {epochs: 0}}
        eval: {batchSizes: [1]}
        """.formatted(criterion, criterion);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"taylor", "hrank"})
  void scoresTheDetectorOnItsDataAndCutsTheLowestScoredChannels(String criterion) {
    List<PipelineEvent> events = jobs.run("det-" + criterion, spec(criterion));
    assertEquals(List.of(), ofType(events, JobFailed.class));
    RankComputed rank = last(events, RankComputed.class);
    assertEquals(List.of(StepKind.TRAIN_BASELINE, StepKind.EVALUATE, StepKind.RANK, StepKind.PRUNE, StepKind.EVALUATE),
        jobs.plan(rank).steps().stream().map(PlanStep::kind).toList());
    assertEquals(criterion, rank.criterion());

    ScoresFile scores = ScoresFile.fromBytes(f.store.getBytes(rank.artifacts().scores()), "scores");
    assertEquals(criterion, scores.criterion());
    assertEquals(2, scores.batches(), "rankBatches batches of the detection data were measured");
    assertEquals(16, scores.images(), "two batches of 8 training scenes");

    LayerPruned cut = last(events, LayerPruned.class);
    Model pruned = f.model(cut.artifacts().model(), "pruned-" + criterion);
    List<PruningStep> history = pruned.history();
    assertFalse(history.isEmpty(), "the cut removed channels");
    for (PruningStep step : history) {
      ScoresFile.Group group = scores.scores().stream().filter(g -> g.producers().contains(step.node())).findFirst()
          .orElseThrow(() -> new AssertionError("no scored group produced by " + step.node()));
      float maxRemoved = Float.NEGATIVE_INFINITY;
      float minKept = Float.POSITIVE_INFINITY;
      int[] removed = step.removed();
      for (int u = 0; u < group.units(); u++) {
        if (Arrays.binarySearch(removed, u) >= 0) {
          maxRemoved = Math.max(maxRemoved, group.scores()[u]);
        } else {
          minKept = Math.min(minKept, group.scores()[u]);
        }
      }
      assertTrue(maxRemoved <= minKept, group.name() + ": removed " + Arrays.toString(removed) + " up to score " + maxRemoved
          + ", kept one scored " + minKept);
    }
    ModelEvaluated end = last(events, ModelEvaluated.class);
    assertEquals(cut.macsAfter(), end.macs());
    assertTrue(end.macs() < ofType(events, ModelEvaluated.class).get(0).macs(), "the cut detector is smaller");
  }

  /** A COCO folder as the gateway stores an upload: every file but dot files under one {@code uploads/} prefix. */
  @Test
  void scoresOnAnUploadedCocoDatasetWithApoz() throws IOException {
    Path coco = tmp.resolve("coco-upload");
    DetectionScenes.builder().setOut(coco).setTrain(16).optVal(8).setSize(64).optFormat(DetectionScenes.Format.COCO).build().write();
    String prefix = "uploads/acme/datasets/d-coco/";
    try (Stream<Path> files = Files.walk(coco)) {
      for (Path file : files.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")).toList()) {
        f.store.put(prefix + coco.relativize(file).toString().replace('\\', '/'), file);
      }
    }
    String spec = spec("apoz").replace("{kind: generated, train: 24, val: 8, size: 64, batchSize: 8}",
        "{kind: coco, uri: 's3://" + StageFixture.BUCKET + "/" + prefix.substring(0, prefix.length() - 1) + "', batchSize: 8}");
    List<PipelineEvent> events = jobs.run("det-coco-apoz", spec);
    assertEquals(List.of(), ofType(events, JobFailed.class));
    ScoresFile scores = ScoresFile.fromBytes(f.store.getBytes(last(events, RankComputed.class).artifacts().scores()), "scores");
    assertEquals("apoz", scores.criterion());
    assertEquals(16, scores.images(), "two batches of the upload's training pictures");
    assertTrue(last(events, LayerPruned.class).macsAfter() < ofType(events, ModelEvaluated.class).get(0).macs());
  }
}
