package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.model.Model;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventType;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.StepKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The repository's {@code examples/slimming-yolov5.yaml} run whole through the four runners and a
 * real S3 server, shrunk to tiny limits (64 px, 24 + 8 generated scenes, one epoch per step).
 */
class DetectionJobRunTest extends StageTestBase {
  static final Path EXAMPLE = Path.of("..", "examples", "slimming-yolov5.yaml");

  /** The example with its sizes and epochs cut down to a test's; everything else as users get it. */
  static String tiny() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode spec = (ObjectNode) yaml.readTree(Files.readString(EXAMPLE));
    ObjectNode model = (ObjectNode) spec.get("model");
    model.putArray("inputShape").add(3).add(64).add(64);
    ObjectNode data = (ObjectNode) spec.get("dataset");
    data.put("train", 24).put("val", 8).put("size", 64).put("batchSize", 8);
    // a nominal batch of one batch: an optimizer step per batch, as three batches an epoch need
    ((ObjectNode) spec.get("baseline")).put("epochs", 2).put("minWarmupIterations", 2).put("nominalBatch", 8);
    for (String fit : List.of("sparsityTraining", "finetune")) {
      ((ObjectNode) spec.get("schedule").get(fit)).put("epochs", 1).put("minWarmupIterations", 0).put("nominalBatch", 8);
    }
    ((ObjectNode) spec.get("schedule")).put("minKept", 4).put("roundTo", 4);
    spec.putObject("eval").putArray("batchSizes").add(1).add(2);
    return yaml.writeValueAsString(spec);
  }

  @Test
  void theSlimmingExampleMeasuresTheSeedsFourPointsAndCutsMacs() throws IOException {
    List<PipelineEvent> events = jobs.run("yolo-slim", tiny());
    assertEquals(List.of(), ofType(events, JobFailed.class));
    assertEquals(List.of(EventType.JOB_SUBMITTED, EventType.EPOCH_TUNED, EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED,
        EventType.EPOCH_TUNED, EventType.MODEL_EVALUATED, EventType.LAYER_PRUNED, EventType.MODEL_EVALUATED, EventType.EPOCH_TUNED,
        EventType.MODEL_EVALUATED), events.stream().map(PipelineEvent::type).toList());
    List<ModelEvaluated> points = ofType(events, ModelEvaluated.class);
    ModelEvaluated baseline = points.get(0);
    ModelEvaluated sparse = points.get(1);
    ModelEvaluated cut = points.get(2);
    ModelEvaluated tuned = points.get(3);
    assertTrue(JobFlow.finishesJob(jobs.plan(tuned), tuned));
    assertEquals(List.of(StepKind.TRAIN_BASELINE, StepKind.EVALUATE, StepKind.SPARSITY_TRAIN, StepKind.EVALUATE, StepKind.SLIM,
        StepKind.EVALUATE, StepKind.FINETUNE, StepKind.EVALUATE), jobs.plan(tuned).steps().stream().map(PlanStep::kind).toList());

    assertEquals(baseline.macs(), sparse.macs(), "sparsity training changes no shape");
    assertTrue(cut.macs() < sparse.macs(), cut.macs() + " MACs after the cut, " + sparse.macs() + " before");
    assertEquals(cut.macs(), tuned.macs());
    assertEquals(last(events, LayerPruned.class).macsAfter(), cut.macs());
    for (ModelEvaluated e : points) {
      assertNull(e.top1(), "a detector has no top-1");
      DetectionFigures d = e.detection();
      assertNotNull(d);
      assertTrue(d.map5095() <= d.map50() + 1e-9, d.map5095() + " > " + d.map50());
      assertEquals(10, d.classes().size());
      assertEquals("T-shirt/top", d.classes().get(0).name(), "class names from the generated data, kept in the graph");
      assertEquals(8 > 0, d.classes().stream().mapToInt(DetectionFigures.ClassAp::targets).sum() >= 8, "every val scene has objects");
      assertEquals(DetectionFigures.PR_POINTS, d.prCurve50().size());
      assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), e.latency().stream().map(ModelEvaluated.Latency::runtime).toList(),
          "a multi-output detector is timed in DJL and in ONNX Runtime");
      assertNotNull(d.gamma());
    }
    DetectionFigures.GammaBins gamma = sparse.detection().gamma();
    assertEquals(List.of("before sparsity training", "after sparsity training"),
        gamma.series().stream().map(DetectionFigures.GammaBins.Series::label).toList());
    assertEquals(gamma.series().get(0).channels(), gamma.series().get(1).channels());
    assertNotNull(gamma.threshold());
    assertNull(cut.detection().gamma().threshold(), "no threshold is drawn once the model is cut");
    assertTrue(cut.detection().gamma().series().get(0).channels() < gamma.series().get(1).channels());

    List<EpochTuned> epochs = ofType(events, EpochTuned.class);
    for (EpochTuned t : epochs) {
      assertTrue(t.detects());
      assertNull(t.trainAccuracy());
      assertEquals(t.boxLoss() + t.objLoss() + t.clsLoss(), t.trainLoss(), 1e-9);
      assertNotNull(t.map50());
    }
    Model result = f.model(tuned.artifacts().model(), "tuned");
    DetectorInfo info = DetectorInfo.of(result.graph(), 10);
    assertEquals("Ankle boot", info.classNames().get(9), "names and anchors travel in the graph's metadata through every step");
    assertTrue(result.graph().metadata().containsKey(DetectorInfo.ANCHORS));
  }

  @Test
  void aDetectorsTrainingThatCrashedAfterAnEpochResumesAndEndsAsAnUninterruptedRun() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode spec = (ObjectNode) yaml.readTree(tiny());
    // three batches an epoch, two per optimizer step: epoch 1 ends with gradients accumulated towards a step
    ((ObjectNode) spec.get("baseline")).put("epochs", 2).put("nominalBatch", 16);
    String yamlSpec = yaml.writeValueAsString(spec);
    FinetuneStage stage = new FinetuneStage(f.ctx);

    JobSubmitted whole = jobs.submit("det-whole", JobSpecs.parseYaml(yamlSpec));
    JobPlan wholePlan = f.ctx.plan(whole.plan());
    List<PipelineEvent> reference = new ArrayList<>();
    stage.run(wholePlan, wholePlan.steps().get(0), whole, reference::add);
    EpochTuned uninterrupted = (EpochTuned) reference.get(reference.size() - 1);
    assertTrue(uninterrupted.endsStep());

    JobSubmitted crashy = jobs.submit("det-crashy", JobSpecs.parseYaml(yamlSpec));
    JobPlan plan = f.ctx.plan(crashy.plan());
    PlanStep baseline = plan.steps().get(0);
    assertEquals(StepKind.TRAIN_BASELINE, baseline.kind());
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> stage.run(plan, baseline, crashy, e -> {
      throw new IllegalStateException("injected crash after epoch " + ((EpochTuned) e).epoch());
    }));
    assertEquals("injected crash after epoch 1", crash.getMessage());

    List<PipelineEvent> resumed = new ArrayList<>();
    stage.run(plan, baseline, crashy, resumed::add);
    assertEquals(1, resumed.size(), "only epoch 2 trains: " + resumed);
    EpochTuned end = (EpochTuned) resumed.get(0);
    assertEquals(2, end.epoch());
    assertEquals(2, end.attempt());
    assertEquals(uninterrupted.boxLoss(), end.boxLoss());
    assertEquals(uninterrupted.map50(), end.map50());
    assertEquals(uninterrupted.artifacts().model().weights().sha256(), end.artifacts().model().weights().sha256(), "bit-identical weights");
  }
}
