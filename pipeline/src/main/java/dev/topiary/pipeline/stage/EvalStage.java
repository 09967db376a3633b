package dev.topiary.pipeline.stage;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.onnx.OnnxExporter;
import dev.topiary.engine.onnx.OrtSessions;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.Fitter;
import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.EvalSpec;
import dev.topiary.pipeline.plan.PlanStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The eval stage: a {@link dev.topiary.pipeline.plan.PlanStep.Evaluate} measures the current model
 * (baseline or final) and emits {@link ModelEvaluated}: loss, top-1 and top-5 on the test split
 * (a detection job: YOLOv5 val's precision, recall, mAP, per-class AP and PR curve on the val
 * split, and in slimming the |gamma| histogram, {@link GammaFigures});
 * parameters and MACs from the graph; size of {@code graph.json} and {@code weights.safetensors},
 * raw and zipped; inference latency (median and p90) per batch size of {@code spec.eval} in DJL on
 * each device listed, BNs folded into their convolutions as a deployment would (and as ONNX
 * Runtime's optimiser does), and in ONNX Runtime on the CPU (the model exported in memory; the same batch sizes,
 * warm-up, runs and intra-op threads). Before any work, the step fails with a message saying why
 * when a {@code gpu} device is listed on a node whose PyTorch sees no GPU, or when the ONNX
 * exporter refuses the model (naming the op or tensor).
 */
public final class EvalStage extends StageRunner {
  /**
   * How many turns a later evaluation times the original and the current model in, each turn
   * running the bench's warm-up and timed runs for both.
   */
  static final int TURNS = 3;

  public EvalStage(StageContext ctx) {
    super(ctx);
  }

  @Override
  public Stage stage() {
    return Stage.EVAL;
  }

  @Override
  StepEvent execute(StepWork w, Consumer<PipelineEvent> progress) {
    EvalSpec eval = w.plan.spec().eval();
    List<Device> devices = devices(eval);
    Model model = w.inputModel();
    byte[] onnx = onnx(model);
    Double top1 = null;
    Double top5 = null;
    Double loss = null;
    DetectionFigures detection = null;
    if (w.plan.spec().detects()) {
      detection = DetectionSteps.evaluate(w, model, GammaFigures.of(w, model));
    } else {
      Evaluation e = Fitter.evaluate(model, w.data(model));
      top1 = e.top1();
      top5 = e.top5();
      loss = e.loss();
    }
    ModelSize size = size(w.local("in"));
    boolean isBaseline = ((PlanStep.Evaluate) w.step).baseline();
    Model original = isBaseline ? null : w.baselineModel();
    Timed timed = latency(model, original, eval, devices, onnx);
    Artifacts artifacts = isBaseline ? w.artifacts().withBaseline(w.artifacts().model()) : w.artifacts();
    return new ModelEvaluated(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(), artifacts, top1, top5, loss,
        model.graph().parameterCount(), model.graph().macs(), size.rawBytes(), size.zippedBytes(), timed.current(), detection,
        timed.original());
  }

  /** The current model's latency and, when an original was timed beside it, the original's; else null. */
  private record Timed(List<ModelEvaluated.Latency> current, List<ModelEvaluated.Latency> original) {}

  /**
   * Latency per device (DJL, BNs folded) and in ONNX Runtime. With an {@code original} (the
   * baseline evaluation's model, in a later evaluation), both models are timed in {@value #TURNS}
   * turns, original then current ({@link LatencyBench#inTurns}), so that the speed-up compares
   * figures taken under the same machine load, as {@code bench/speedup.sh} does.
   */
  private Timed latency(Model model, Model original, EvalSpec eval, List<Device> devices, byte[] onnx) {
    int[] batchSizes = eval.batchSizes().stream().mapToInt(Integer::intValue).toArray();
    int[] sample = model.graph().inputs().get(0).shape().toArray();
    LatencyBench bench = new LatencyBench(ctx.latencyWarmup(), ctx.latencyRuns());
    int turns = original == null ? 1 : TURNS;
    List<ModelEvaluated.Latency> current = new ArrayList<>();
    List<ModelEvaluated.Latency> before = original == null ? null : new ArrayList<>();
    for (int d = 0; d < devices.size(); d++) {
      try (NDManager manager = NDManager.newBaseManager(devices.get(d))) {
        List<LatencyBench.Timing<RuntimeException>> timings = new ArrayList<>();
        if (original != null) {
          GraphBlock o = BlockWeights.loadForInference(original, manager);
          timings.add(() -> bench.run(manager, sample, batchSizes, LatencyBench.everyOutput(o)));
        }
        GraphBlock block = BlockWeights.loadForInference(model, manager); // as deployed: BNs folded, as ONNX Runtime does
        timings.add(() -> bench.run(manager, sample, batchSizes, LatencyBench.everyOutput(block)));
        keep(LatencyBench.inTurns(turns, timings), eval.devices().get(d), ModelEvaluated.Latency.DJL, current, before);
      }
    }
    byte[] originalOnnx = original == null ? null : onnx(original);
    keep(ortLatency(onnx, originalOnnx, bench, sample, batchSizes, turns), "cpu", ModelEvaluated.Latency.ONNX_RUNTIME, current, before);
    return new Timed(current, before);
  }

  /** The last of {@code timed} goes to {@code current}, the first (when two) to {@code before}. */
  private static void keep(List<List<LatencyBench.Result>> timed, String device, String runtime, List<ModelEvaluated.Latency> current,
      List<ModelEvaluated.Latency> before) {
    for (LatencyBench.Result r : timed.get(timed.size() - 1)) {
      current.add(new ModelEvaluated.Latency(device, runtime, r.batchSize(), r.medianMs(), r.p90Ms()));
    }
    if (timed.size() == 2) {
      for (LatencyBench.Result r : timed.get(0)) {
        before.add(new ModelEvaluated.Latency(device, runtime, r.batchSize(), r.medianMs(), r.p90Ms()));
      }
    }
  }

  /**
   * The model as ONNX, in memory, exported before any work so that a model ONNX cannot hold fails
   * the step at once. BatchNorm stays unfolded: ONNX Runtime's full graph optimisation folds it
   * into the convolutions itself, so the figures are those of a deployment.
   */
  private static byte[] onnx(Model model) {
    try {
      return OnnxExporter.builder().build().toBytes(model);
    } catch (TopiaryException e) {
      throw new IllegalArgumentException("latency: ONNX Runtime times the model exported to ONNX, and the export failed: " + e.getMessage(), e);
    }
  }

  /**
   * ONNX Runtime on the CPU, with libtorch's intra-op thread count, by the DJL bench's protocol;
   * with {@code originalOnnx}, the original first in each turn.
   */
  private static List<List<LatencyBench.Result>> ortLatency(byte[] onnx, byte[] originalOnnx, LatencyBench bench, int[] sample,
      int[] batchSizes, int turns) {
    int threads = EngineSettings.intraOpThreadsInUse();
    try (OrtSession session = OrtSessions.open(onnx, threads);
        OrtSession originalSession = originalOnnx == null ? null : OrtSessions.open(originalOnnx, threads)) {
      List<LatencyBench.Timing<OrtException>> timings = new ArrayList<>();
      if (originalSession != null) {
        timings.add(() -> OrtSessions.latency(originalSession, bench, sample, batchSizes));
      }
      timings.add(() -> OrtSessions.latency(session, bench, sample, batchSizes));
      return LatencyBench.inTurns(turns, timings);
    } catch (OrtException e) {
      throw new IllegalArgumentException("latency: ONNX Runtime refused the exported model: " + e.getMessage(), e);
    }
  }

  /** The engine devices of {@code eval.devices}, in order. */
  private static List<Device> devices(EvalSpec eval) {
    List<Device> out = new ArrayList<>();
    for (String name : eval.devices()) {
      if ("gpu".equals(name)) {
        int gpus = Engine.getInstance().getGpuCount();
        if (gpus == 0) {
          throw new IllegalArgumentException("eval.devices: gpu latency was requested but this eval service's PyTorch sees no GPU;"
              + " run the eval stage on a GPU node (pytorch-native-cu124) or list only cpu");
        }
        out.add(Device.gpu());
      } else {
        out.add(Device.cpu());
      }
    }
    return out;
  }

  /** Size of a model folder's graph and weights, as the engine's {@code size} command measures it. */
  static ModelSize size(Path modelDir) {
    try {
      return ModelSize.of(List.of(modelDir.resolve(Model.GRAPH_FILE), modelDir.resolve(Model.WEIGHTS_FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure " + modelDir, e);
    }
  }
}
