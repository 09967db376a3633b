package dev.topiary.engine.workflow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochResult;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.train.Evaluator;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.train.MaskUpdate;
import dev.topiary.engine.train.Sgd;
import dev.topiary.engine.train.TrainingProgress;
import dev.topiary.engine.train.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Trains or fine-tunes a model on fitted data and returns the trained model: the one call that the
 * CLI, the schedules and the finetune service share. Optional masks (by parameter name) keep
 * pruned weights at zero; optional hooks add gradient terms; an optional checkpoint folder makes
 * the run resumable at epoch boundaries.
 */
public final class Fitter {
  private Fitter() {}

  /**
   * The trained model, one result per epoch run, and the memory order the training passes'
   * convolutions took when it was measured ({@link dev.topiary.engine.exec.ConvOrder#AUTO}; empty
   * otherwise).
   */
  public record Outcome(Model model, List<EpochResult> epochs, List<GraphBlock.ConvOrderChoice> convOrders) {
    public Outcome(Model model, List<EpochResult> epochs) {
      this(model, epochs, List.of());
    }
  }

  public static Outcome fit(Model model, DataSpec.Loaders data, FitSettings settings, Consumer<EpochResult> callback) {
    return fit(model, data, settings, callback, TrainingProgress.NONE);
  }

  /** As above, telling {@code progress} after every step how far the epoch is. */
  public static Outcome fit(Model model, DataSpec.Loaders data, FitSettings settings, Consumer<EpochResult> callback,
      TrainingProgress progress) {
    return fit(model, data, settings, callback, m -> Map.of(), List.of(), null, null, progress);
  }

  /**
   * @param masks given the block's manager, the 0/1 masks by parameter name
   * @param checkpointDir null for none
   */
  public static Outcome fit(Model model, DataSpec.Loaders data, FitSettings settings, Consumer<EpochResult> callback,
      Function<NDManager, Map<String, NDArray>> masks, List<GradientHook> hooks, Path checkpointDir) {
    return fit(model, data, settings, callback, masks, hooks, checkpointDir, null);
  }

  /**
   * As above, with masks recomputed at each epoch's start by {@code maskUpdate} (gradual pruning;
   * null for none).
   */
  public static Outcome fit(Model model, DataSpec.Loaders data, FitSettings settings, Consumer<EpochResult> callback,
      Function<NDManager, Map<String, NDArray>> masks, List<GradientHook> hooks, Path checkpointDir, MaskUpdate maskUpdate) {
    return fit(model, data, settings, callback, masks, hooks, checkpointDir, maskUpdate, TrainingProgress.NONE);
  }

  /** As above, telling {@code progress} after every step how far the epoch is. */
  public static Outcome fit(Model model, DataSpec.Loaders data, FitSettings settings, Consumer<EpochResult> callback,
      Function<NDManager, Map<String, NDArray>> masks, List<GradientHook> hooks, Path checkpointDir, MaskUpdate maskUpdate,
      TrainingProgress progress) {
    requireOutputPerClass(model, data);
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice()); Sgd sgd = settings.optimizer()) {
      GraphBlock block = BlockWeights.load(model, manager);
      TrainingRun.Builder b = TrainingRun.builder().setBlock(block).setOptimizer(sgd)
          .setSchedule(settings.lrSchedule()).setEpochs(settings.epochs()).setTrainData(data.trainData())
          .optValidationData(data.testData()).optSeed(settings.seed()).optMasks(masks.apply(manager))
          .optProgress(progress, data.train().size());
      if (callback != null) {
        b.optCallback(callback);
      }
      hooks.forEach(b::optGradientHook);
      if (checkpointDir != null) {
        b.optCheckpointDir(checkpointDir);
      }
      if (maskUpdate != null) {
        b.optMaskUpdate(maskUpdate);
      }
      List<EpochResult> results = new ArrayList<>(b.build().fit());
      List<GraphBlock.ConvOrderChoice> orders = block.convOrderChoices().stream().filter(GraphBlock.ConvOrderChoice::gradients).toList();
      return new Outcome(BlockWeights.toModel(block, model.history()), results, orders);
    }
  }

  /**
   * Loss, top-1 and top-5 of a model on a loader's data, in inference mode, with its BNs folded into
   * their convolutions ({@link BlockWeights#loadForInference}).
   */
  public static Evaluation evaluate(Model model, DataSpec.Loaders data) {
    requireOutputPerClass(model, data);
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.loadForInference(model, manager);
      return Evaluator.evaluate(block, data.testData(), 0);
    }
  }

  /**
   * A classifier needs an output per class of its data. Checked here, where a model meets a dataset,
   * rather than per batch: a label past the last output makes the loss index out of range, which on
   * a GPU is a device-side assert that ends the process's CUDA context, and checking each batch's
   * labels on the host would stall the device every step.
   *
   * @throws IllegalArgumentException naming the model, its output node and both counts
   */
  static void requireOutputPerClass(Model model, DataSpec.Loaders data) {
    Graph g = model.graph();
    if (g.outputs().size() != 1) {
      return;
    }
    String out = g.outputs().get(0);
    TensorShape shape = g.shape(out);
    if (shape.rank() == 1 && shape.channels() < data.numClasses()) {
      throw new IllegalArgumentException("model '" + g.name() + "' has " + shape.channels() + " outputs (node '" + out
          + "') but the dataset has " + data.numClasses() + " classes: labels up to " + (data.numClasses() - 1)
          + " need an output each");
    }
  }

  /** A model of the graph with the engine's seeded PyTorch-default initialisation. */
  public static Model initialised(Graph graph, long seed) {
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = new GraphBlock(graph, seed);
      block.initialize(manager);
      return BlockWeights.toModel(block, List.of());
    }
  }
}
