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
import dev.topiary.pipeline.event.DetectionFigures;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.Stage;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.job.EvalSpec;
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
    List<ModelEvaluated.Latency> latency = new ArrayList<>();
    int[] batchSizes = eval.batchSizes().stream().mapToInt(Integer::intValue).toArray();
    int[] sample = model.graph().inputs().get(0).shape().toArray();
    LatencyBench bench = new LatencyBench(ctx.latencyWarmup(), ctx.latencyRuns());
    for (int d = 0; d < devices.size(); d++) {
      try (NDManager manager = NDManager.newBaseManager(devices.get(d))) {
        GraphBlock block = BlockWeights.loadForInference(model, manager); // as deployed: BNs folded, as ONNX Runtime does
        for (LatencyBench.Result r : bench.run(manager, sample, batchSizes, LatencyBench.everyOutput(block))) {
          latency.add(new ModelEvaluated.Latency(eval.devices().get(d), ModelEvaluated.Latency.DJL, r.batchSize(), r.medianMs(), r.p90Ms()));
        }
      }
    }
    for (LatencyBench.Result r : ortLatency(onnx, bench, sample, batchSizes)) {
      latency.add(new ModelEvaluated.Latency("cpu", ModelEvaluated.Latency.ONNX_RUNTIME, r.batchSize(), r.medianMs(), r.p90Ms()));
    }
    return new ModelEvaluated(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(), w.artifacts(), top1, top5, loss,
        model.graph().parameterCount(), model.graph().macs(), size.rawBytes(), size.zippedBytes(), latency, detection);
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

  /** ONNX Runtime on the CPU, with libtorch's intra-op thread count, by the DJL bench's protocol. */
  private static List<LatencyBench.Result> ortLatency(byte[] onnx, LatencyBench bench, int[] sample, int[] batchSizes) {
    try (OrtSession session = OrtSessions.open(onnx, EngineSettings.intraOpThreadsInUse())) {
      return OrtSessions.latency(session, bench, sample, batchSizes);
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
