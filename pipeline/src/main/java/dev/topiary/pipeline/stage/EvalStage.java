package dev.topiary.pipeline.stage;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.measure.LatencyBench;
import dev.topiary.engine.measure.ModelSize;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.Fitter;
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
 * (baseline or final) and emits {@link ModelEvaluated}: loss, top-1 and top-5 on the test split;
 * parameters and MACs from the graph; size of {@code graph.json} and {@code weights.safetensors},
 * raw and zipped; inference latency per batch size of {@code spec.eval} on each device listed.
 * A {@code gpu} device on a node whose PyTorch sees no GPU fails the step, before any work, with a
 * message saying so.
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
    Evaluation e = Fitter.evaluate(model, w.data(model));
    ModelSize size = size(w.local("in"));
    List<ModelEvaluated.Latency> latency = new ArrayList<>();
    int[] batchSizes = eval.batchSizes().stream().mapToInt(Integer::intValue).toArray();
    for (int d = 0; d < devices.size(); d++) {
      try (NDManager manager = NDManager.newBaseManager(devices.get(d))) {
        GraphBlock block = BlockWeights.load(model, manager);
        for (LatencyBench.Result r : new LatencyBench(ctx.latencyWarmup(), ctx.latencyRuns())
            .run(manager, model.graph().inputs().get(0).shape().toArray(), batchSizes, block::infer)) {
          latency.add(new ModelEvaluated.Latency(eval.devices().get(d), r.batchSize(), r.medianMs(), r.p90Ms()));
        }
      }
    }
    return new ModelEvaluated(w.plan.jobId(), w.step.index(), w.attempt, w.now(), w.input.plan(), w.artifacts(), e.top1(), e.top5(),
        e.loss(), model.graph().parameterCount(), model.graph().macs(), size.rawBytes(), size.zippedBytes(), latency);
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
