package dev.topiary.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.ModelEvaluated;
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
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class,
    initArgs = @ResourceArg(name = KafkaBrokerTestResource.TOPICS_ARG, value = EventBus.ALL_TOPICS))
@QuarkusTestResource(value = S3ServerTestResource.class, initArgs = @ResourceArg(name = S3ServerTestResource.BUCKETS_ARG, value = "topiary"))
class EvalServiceTest extends StageServiceContract {
  private static final String SPEC = "name: %s\nmodel: {zoo: lenet5}\nbaseline: {epochs: 1, optimizer: {lr: 0.05}}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 512, testLimit: 200, batchSize: 64}\n"
      + "prune: {criterion: l1, select: {targetFlopsReduction: 0.5}}\nschedule: {mode: oneshot, finetune: {epochs: 0}}\n"
      + "eval: {batchSizes: [1, 4], devices: [cpu]}\n";

  /** A detector, tiny: YOLOv5n at 64 px trained one epoch on 16 generated scenes, measured on 8. */
  private static final String DETECTION = "name: %s\ntask: detection\nmodel: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}\n"
      + "baseline: {epochs: 1, nominalBatch: 8, minWarmupIterations: 1}\ndataset: {kind: generated, train: 16, val: 8, size: 64, batchSize: 8}\n"
      + "prune: {granularity: channel}\nschedule: {mode: slimming, percent: 0.3, sparsityTraining: {epochs: 0}, finetune: {epochs: 0}}\n"
      + "eval: {batchSizes: [1, 2], devices: [cpu]}\n";

  @Override
  protected Stage stage() {
    return Stage.EVAL;
  }

  @Test
  void measuresTheTrainedBaselineWithTheFiguresOfTheStoredModel() {
    JobDriver driver = driver();
    String jobId = "eval-baseline";
    StepEvent input = driver.advanceTo(Stage.EVAL, driver.submit(jobId, SPEC.formatted(jobId)));
    bus().publish(input);
    ModelEvaluated e = bus().awaitEvents(jobId, ModelEvaluated.class, 1, STEP_TIMEOUT).get(0);

    Graph graph = GraphJson.read(new String(store.getBytes(input.artifacts().model().graph()), StandardCharsets.UTF_8), "model");
    assertEquals(graph.parameterCount(), e.params());
    assertEquals(graph.macs(), e.macs());
    assertEquals(input.stepIndex() + 1, e.stepIndex());
    EpochTuned trained = (EpochTuned) input;
    assertEquals(trained.valAccuracy(), e.top1(), 1e-9, "the same model on the same test slice as the last epoch's validation");
    assertEquals(trained.valLoss(), e.loss(), 1e-5);
    assertTrue(e.top5() >= e.top1(), "top1 " + e.top1() + ", top5 " + e.top5());
    assertEquals(List.of(1, 4, 1, 4), e.latency().stream().map(ModelEvaluated.Latency::batchSize).toList());
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), e.latency().stream().map(ModelEvaluated.Latency::runtime).toList(),
        "ONNX Runtime runs in the service too");
    assertTrue(e.latency().stream().allMatch(l -> l.device().equals("cpu") && l.medianMs() > 0));
    assertTrue(e.sizeBytes() > graph.parameterCount() * 4, "weights in f32 plus the graph");
    assertTrue(e.zippedBytes() > 0 && e.zippedBytes() < e.sizeBytes());
  }

  @Test
  void measuresADetectorsMapAndTimesAllItsOutputs() {
    JobDriver driver = driver();
    String jobId = "eval-detector";
    StepEvent input = driver.advanceTo(Stage.EVAL, driver.submit(jobId, DETECTION.formatted(jobId)));
    bus().publish(input);
    ModelEvaluated e = bus().awaitEvents(jobId, ModelEvaluated.class, 1, STEP_TIMEOUT).get(0);

    assertNull(e.top1(), "a detector has no top-1");
    DetectionFigures d = e.detection();
    EpochTuned trained = (EpochTuned) input;
    assertEquals(trained.map50(), d.map50(), 0.02, "the EMA weights the last epoch validated, on the same val scenes");
    assertEquals(trained.map5095(), d.map5095(), 0.02);
    assertEquals(10, d.classes().size());
    assertEquals("Ankle boot", d.classes().get(9).name(), "class names from the generated data, kept in the graph's metadata");
    assertEquals(DetectionFigures.PR_POINTS, d.prCurve50().size());
    assertEquals(List.of("baseline"), d.gamma().series().stream().map(DetectionFigures.GammaBins.Series::label).toList());
    assertEquals(List.of("djl", "djl", "onnxruntime", "onnxruntime"), e.latency().stream().map(ModelEvaluated.Latency::runtime).toList(),
        "a Detect head's three outputs run in DJL and in ONNX Runtime");
    assertTrue(e.latency().stream().allMatch(l -> l.medianMs() > 0));
  }
}
