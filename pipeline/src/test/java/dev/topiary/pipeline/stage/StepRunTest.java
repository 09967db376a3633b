package dev.topiary.pipeline.stage;

import static dev.topiary.pipeline.stage.StageFixture.last;
import static dev.topiary.pipeline.stage.StageFixture.ofType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.engine.zoo.Zoo;
import dev.topiary.pipeline.event.EpochTuned;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.JobFailed;
import dev.topiary.pipeline.event.JobSubmitted;
import dev.topiary.pipeline.event.LayerPruned;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.job.JobSpecs;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One step at a time: redelivery, crash and resume, failures. */
class StepRunTest extends StageTestBase {
  private static final String ONESHOT = "model: {zoo: lenet5}\nbaseline: {epochs: 1}\n"
      + "dataset: {kind: fashion-mnist, trainLimit: 256, testLimit: 128, batchSize: 64}\n"
      + "prune: {select: {globalRatio: 0.3}}\neval: {batchSizes: [1]}\n";

  @Test
  void aRedeliveredInputReEmitsTheStoredEventWithoutComputingAgain() {
    List<PipelineEvent> events = jobs.run("dup", "name: dup\n" + ONESHOT + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n");
    LayerPruned first = last(events, LayerPruned.class);
    PipelineEvent rank = events.get(events.indexOf(first) - 1);
    ArtifactRef weights = f.store.find(first.artifacts().model().weights().key()).orElseThrow();

    int clockReadings = f.clock.readings.get();
    List<PipelineEvent> again = new ArrayList<>();
    PruneStage prune = new PruneStage(f.ctx);
    assertTrue(prune.handle(rank, again::add));
    assertTrue(prune.handle(rank, again::add));

    assertEquals(2, again.size());
    assertEquals(EventCodec.toJson(first), EventCodec.toJson(again.get(0)), "the same event, occurredAt included");
    assertEquals(again.get(0), again.get(1));
    assertEquals(1, again.get(0).attempt());
    assertEquals(clockReadings, f.clock.readings.get(), "no event was made anew");
    PlanStep pruneStep = f.ctx.plan(first.plan()).step(first.stepIndex());
    assertEquals(1, prune.attempts(f.ctx.plan(first.plan()), pruneStep), "a re-emission is not a new run");
    assertEquals(weights, f.store.find(weights.key()).orElseThrow());
  }

  @Test
  void aFineTuneThatCrashedAfterEpochTwoResumesAtEpochThreeAndEndsAsAnUninterruptedRun() {
    String spec = ONESHOT + "schedule: {mode: oneshot, finetune: {epochs: 3, optimizer: {lr: 0.01}}}\n";
    List<PipelineEvent> reference = jobs.run("whole", "name: whole\n" + spec);
    LayerPruned cut = last(reference, LayerPruned.class);
    EpochTuned uninterrupted = ofType(reference, EpochTuned.class).get(3);
    assertTrue(uninterrupted.endsStep());

    // the same fine-tune step of another job, from the same pruned model
    JobSubmitted submitted = jobs.submit("crashy", JobSpecs.parseYaml("name: crashy\n" + spec));
    JobPlan plan = f.ctx.plan(submitted.plan());
    PlanStep finetune = plan.step(cut.stepIndex() + 1);
    LayerPruned input = new LayerPruned("crashy", cut.stepIndex(), 1, cut.occurredAt(), submitted.plan(), cut.artifacts(), cut.groups(),
        cut.paramsAfter(), cut.macsAfter(), null);
    FinetuneStage stage = new FinetuneStage(f.ctx);
    List<EpochTuned> beforeCrash = new ArrayList<>();
    IllegalStateException crash = assertThrows(IllegalStateException.class, () -> stage.run(plan, finetune, input, e -> {
      beforeCrash.add((EpochTuned) e);
      if (((EpochTuned) e).epoch() == 2) {
        throw new IllegalStateException("injected crash after epoch 2");
      }
    }));
    assertEquals("injected crash after epoch 2", crash.getMessage());
    assertEquals(List.of(1, 2), beforeCrash.stream().map(EpochTuned::epoch).toList());
    assertEquals(List.of(1, 1), beforeCrash.stream().map(EpochTuned::attempt).toList());

    List<PipelineEvent> resumed = new ArrayList<>();
    stage.run(plan, finetune, input, resumed::add);
    assertEquals(1, resumed.size(), "only epoch 3 trains: " + resumed);
    EpochTuned end = (EpochTuned) resumed.get(0);
    assertEquals(3, end.epoch());
    assertEquals(2, end.attempt(), "the resumed run is the step's second attempt");
    // two runs; the first ended here by an exception this process survived, so it is not counted as a crash
    assertEquals("2 1", new String(f.store.getBytes(f.store.find(Keys.attempts("crashy", finetune.index(), "finetune")).orElseThrow()),
        StandardCharsets.US_ASCII));
    assertEquals(uninterrupted.trainLoss(), end.trainLoss());
    assertEquals(uninterrupted.artifacts().model().weights().sha256(), end.artifacts().model().weights().sha256(),
        "bit-identical weights");
  }

  @Test
  void aStepWhoseRunsDiedWithTheirServiceEndsTheJobInsteadOfRunningAgain() {
    String spec = "name: poison\n" + ONESHOT.replace("baseline: {epochs: 1}", "baseline: {epochs: 2}")
        + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n";
    JobSubmitted submitted = jobs.submit("poison", JobSpecs.parseYaml(spec));
    JobPlan plan = f.ctx.plan(submitted.plan());
    PlanStep first = plan.step(1);
    assertEquals(Stage.FINETUNE, first.stage(), "the baseline training");
    assertEquals(3, StageContext.DEFAULT_MAX_STEP_CRASHES);
    String key = Keys.attempts("poison", 1, first.stage().id());
    StageRunner train = new FinetuneStage(f.ctx);
    // two runs started and never ended: they died with their service
    f.store.put(key, "2".getBytes(StandardCharsets.US_ASCII));
    assertEquals(2, train.crashes(plan, first));

    // a run that fails in a process that survives (here its emitter throws in epoch 1) records its end: not a crash
    assertThrows(IllegalStateException.class, () -> train.handle(submitted, e -> {
      throw new IllegalStateException("a failure the service survives");
    }));
    assertEquals(3, train.attempts(plan, first));
    assertEquals(2, train.crashes(plan, first));
    assertEquals("3 1", new String(f.store.getBytes(f.store.find(key).orElseThrow()), StandardCharsets.US_ASCII));

    // a third run dies with its service: its start is recorded, its end never
    f.store.put(key, "4 1".getBytes(StandardCharsets.US_ASCII));
    List<PipelineEvent> out = new ArrayList<>();
    train.handle(submitted, out::add);
    assertEquals(1, out.size(), "no run, one failure: " + out);
    JobFailed failed = (JobFailed) out.get(0);
    assertEquals(StageRunner.CRASHED, failed.errorType());
    assertEquals(1, failed.stepIndex());
    assertEquals(4, failed.attempt(), "reported under the last run that started");
    assertEquals("step 1 (train-baseline): 3 runs died with the finetune service (killed, out of memory or a native crash; "
        + "see its log), so it is not run again (topiary.stage.max-step-crashes = 3)", failed.message());
    assertEquals(4, train.attempts(plan, first), "refusing is not a run");
    assertTrue(f.store.find(Keys.step("poison", 1, "finetune", StageRunner.EVENT_FILE)).isEmpty(), "nothing stored as the result");
  }

  @Test
  void aDamagedAttemptRecordFailsTheStepNamingTheObject() {
    String spec = "name: damaged\n" + ONESHOT + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n";
    JobSubmitted submitted = jobs.submit("damaged", JobSpecs.parseYaml(spec));
    JobPlan plan = f.ctx.plan(submitted.plan());
    PlanStep first = plan.step(1);
    String key = Keys.attempts("damaged", 1, first.stage().id());
    f.store.put(key, "two".getBytes(StandardCharsets.US_ASCII));
    List<PipelineEvent> out = new ArrayList<>();
    for (StageRunner r : List.of(new RankStage(f.ctx), new PruneStage(f.ctx), new FinetuneStage(f.ctx), new EvalStage(f.ctx))) {
      r.handle(submitted, out::add);
    }
    JobFailed failed = (JobFailed) out.get(0);
    assertEquals(1, failed.stepIndex());
    assertEquals("IllegalArgumentException", failed.errorType());
    assertTrue(failed.message().contains(key) && failed.message().contains("'two'"), failed.message());
  }

  @Test
  void aCorruptModelArtifactFailsTheJobNamingTheObject() throws IOException {
    ArtifactRef[] model = upload("uploads/corrupt/");
    f.store.put(model[1].key(), "not the weights".getBytes(StandardCharsets.UTF_8)); // the object changes, the ref does not
    List<PipelineEvent> events = jobs.run("corrupt", "name: corrupt\n" + withModel(model) + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n");

    assertEquals(2, events.size());
    JobFailed failed = (JobFailed) events.get(1);
    assertEquals(Stage.EVAL, failed.stage());
    assertEquals(1, failed.stepIndex());
    assertEquals("ArtifactIntegrityException", failed.errorType());
    assertTrue(failed.message().contains(model[1].key()) && failed.message().contains(model[1].sha256()), failed.message());
  }

  @Test
  void gpuLatencyOnANodeWithoutAGpuFailsBeforeAnyWork() throws IOException {
    assumeTrue(Engine.getInstance().getGpuCount() == 0, "this node has a GPU");
    ArtifactRef[] model = upload("uploads/good/");
    List<PipelineEvent> events = jobs.run("no-gpu", "name: no-gpu\n" + withModel(model).replace("batchSizes: [1]}", "batchSizes: [1], devices: [cpu, gpu]}")
        + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n");

    JobFailed failed = last(events, JobFailed.class);
    assertEquals(Stage.EVAL, failed.stage());
    assertEquals("IllegalArgumentException", failed.errorType());
    assertTrue(failed.message().startsWith("step 1 (evaluate): eval.devices: gpu latency was requested"), failed.message());
    assertTrue(f.store.list(Keys.job("no-gpu")).stream().noneMatch(k -> k.contains("-eval/")), "nothing stored for the step");
  }

  @Test
  void aModelTheOnnxExporterRefusesFailsTheEvaluationNamingTheTensor() throws IOException {
    GraphBuilder b = Graph.builder("clash");
    String x = b.input("input", 1, 28, 28);
    x = b.add("conv", Conv.of(4, 3, 1, 1).withBias(true), x);
    x = b.add("conv.weight", new Relu(), x); // DJL runs it; ONNX names tensors and nodes alike, so the export refuses it
    x = b.add("flatten", new Flatten(), x);
    Path dir = tmp.resolve("uploads/clash/");
    Fitter.initialised(b.output(b.add("fc", new Gemm(10, true), x)).build(), 3).save(dir);
    ArtifactRef[] model = {f.store.put("uploads/clash/graph.json", dir.resolve("graph.json")),
        f.store.put("uploads/clash/weights.safetensors", dir.resolve("weights.safetensors"))};
    List<PipelineEvent> events = jobs.run("clash", "name: clash\n" + withModel(model) + "schedule: {mode: oneshot, finetune: {epochs: 0}}\n");

    JobFailed failed = last(events, JobFailed.class);
    assertEquals(Stage.EVAL, failed.stage());
    assertEquals(1, failed.stepIndex());
    assertEquals("IllegalArgumentException", failed.errorType());
    assertTrue(failed.message().startsWith("step 1 (evaluate): latency: ONNX Runtime times the model exported to ONNX, and the export failed: "),
        failed.message());
    assertTrue(failed.message().contains("conv.weight"), failed.message());
    assertTrue(f.store.list(Keys.job("clash")).stream().noneMatch(k -> k.contains("-eval/")), "nothing stored for the step");
  }

  /** A LeNet graph and initialised weights in the store: [graph, weights]. */
  private static ArtifactRef[] upload(String prefix) throws IOException {
    Path dir = tmp.resolve(prefix);
    Fitter.initialised(Zoo.build("lenet5"), 3).save(dir);
    return new ArtifactRef[] {f.store.put(prefix + "graph.json", dir.resolve("graph.json")),
        f.store.put(prefix + "weights.safetensors", dir.resolve("weights.safetensors"))};
  }

  private static String withModel(ArtifactRef[] model) {
    return ONESHOT.replace("model: {zoo: lenet5}\nbaseline: {epochs: 1}\n", "model:\n  graph: " + json(model[0]) + "\n  weights: " + json(model[1]) + "\n");
  }

  private static String json(ArtifactRef r) {
    return String.format("{bucket: %s, key: %s, sha256: %s, size: %d}", r.bucket(), r.key(), r.sha256(), r.size());
  }
}
