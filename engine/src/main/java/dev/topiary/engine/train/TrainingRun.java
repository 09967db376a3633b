package dev.topiary.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Fits an initialized DJL {@link Block} classifier with softmax cross-entropy and {@link Sgd} for a
 * number of epochs, optionally validating, masking, hooking gradients and checkpointing.
 *
 * <p>One step: forward in training mode and backward under a gradient collector; then, per
 * learnable parameter with a gradient, the {@link GradientHook}s and gradient masking; then one SGD
 * update of all of them ({@link Sgd#updateAll}, which zeroes the gradients); then weight masking.
 * Every temporary lives in a per-step sub-manager.
 *
 * <p>Determinism: at the start of each epoch the engine's random seed (libtorch's generator, used by
 * dropout) is set to a value derived from the run's seed and the epoch, so with a fixed data order
 * two runs, or a run resumed from a checkpoint, give bit-identical parameters on CPU. This reseeds
 * the process-wide generator. With a checkpoint directory, {@link #fit} writes a checkpoint after
 * every epoch and, when one is already there, resumes after its last completed epoch.
 *
 * <p>DJL allows one gradient collector at a time per process, so one run trains at a time. A run
 * object may be fitted again (it resumes from its checkpoint, if any); the {@link Sgd} keeps its
 * momentum between fits and is closed by its owner.
 */
public final class TrainingRun {
  private final Block block;
  private final Sgd sgd;
  private final LrSchedule schedule;
  private final int epochs;
  private final EpochData trainData;
  private final EpochData validationData;
  private final long seed;
  private final List<Consumer<EpochResult>> callbacks;
  private final Map<String, NDArray> masks;
  private final List<GradientHook> hooks;
  private final Path checkpointDir;
  private final MaskUpdate maskUpdate;
  private final TrainingProgress progress;
  private final long imagesPerEpoch;

  private TrainingRun(Builder b) {
    block = b.block;
    sgd = b.sgd;
    schedule = b.schedule;
    epochs = b.epochs;
    trainData = b.trainData;
    validationData = b.validationData;
    seed = b.seed;
    callbacks = List.copyOf(b.callbacks);
    masks = Map.copyOf(b.masks);
    hooks = List.copyOf(b.hooks);
    checkpointDir = b.checkpointDir;
    maskUpdate = b.maskUpdate;
    progress = b.progress;
    imagesPerEpoch = b.imagesPerEpoch;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains the remaining epochs and returns their results.
   *
   * @throws dev.topiary.engine.InvalidPruningConfigException when a mask names an unknown
   *     parameter or differs from it in shape
   * @throws dev.topiary.engine.InvalidWeightsException when the checkpoint does not fit the block
   */
  public List<EpochResult> fit() {
    TorchSupport.disableAutogradOnThisThread();
    Map<String, Parameter> parameters = TorchSupport.parametersByName(block);
    NDManager model = TorchSupport.modelManager(block);
    List<EpochResult> results = new ArrayList<>();
    try (NDManager run = model.newSubManager(); ParameterMasks parameterMasks = ParameterMasks.of(parameters, masks, run)) {
      int start = resume(parameters, model);
      parameterMasks.applyToWeights(parameters);
      Epoch epoch = new Epoch(parameters, parameterMasks, new ParameterStore(run, false), run);
      for (int e = start; e < epochs; e++) {
        if (maskUpdate != null) {
          epoch.updateMasks(e);
        }
        EpochResult result = epoch.run(e);
        results.add(result);
        callbacks.forEach(c -> c.accept(result));
      }
    }
    return results;
  }

  private int resume(Map<String, Parameter> parameters, NDManager model) {
    if (checkpointDir == null || !Files.exists(TrainingCheckpoint.fileIn(checkpointDir))) {
      return 0;
    }
    Path file = TrainingCheckpoint.fileIn(checkpointDir);
    try (NDManager scratch = model.newSubManager()) {
      TrainingCheckpoint checkpoint = TrainingCheckpoint.read(file, scratch);
      checkpoint.checkFits(seed, epochs, file);
      checkpoint.restoreInto(parameters, sgd, model, file);
      return checkpoint.epochsCompleted();
    }
  }

  /** The engine seed of {@code epoch}: a mix of the run's seed and the epoch. */
  static int epochSeed(long seed, int epoch) {
    return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1))).nextInt();
  }

  /** The per-run state one epoch needs. */
  private final class Epoch {
    private final Map<String, Parameter> parameters;
    private ParameterMasks masks;
    private final ParameterStore store;
    private final NDManager run;

    Epoch(Map<String, Parameter> parameters, ParameterMasks masks, ParameterStore store, NDManager run) {
      this.parameters = parameters;
      this.masks = masks;
      this.store = store;
      this.run = run;
    }

    /** Asks the mask update for this epoch's masks; replaces the masks and masks the weights. */
    void updateMasks(int epoch) {
      try (NDManager scratch = run.newSubManager()) {
        Map<String, NDArray> next = maskUpdate.masksFor(epoch, parameters, scratch);
        if (next != null) {
          ParameterMasks replaced = ParameterMasks.of(parameters, next, run);
          masks.close();
          masks = replaced;
          masks.applyToWeights(parameters);
        }
      }
    }

    EpochResult run(int epoch) {
      long start = System.nanoTime();
      Engine.getInstance().setRandomSeed(epochSeed(seed, epoch));
      double lr = schedule.lr(epoch);
      Evaluation train;
      try (ClassificationMetrics metrics = new ClassificationMetrics(run)) {
        long images = 0;
        for (NDList batch : trainData.batches(epoch, run)) {
          try (NDManager step = run.newSubManager()) {
            batch.attach(step);
            images += batch.get(1).getShape().get(0);
            step(batch, epoch, lr, metrics, step);
          }
          progress.stepped(epoch, epochs, images, imagesPerEpoch);
        }
        train = metrics.result();
      }
      double trainSeconds = (System.nanoTime() - start) / 1e9;
      Evaluation val = validationData == null ? null : Evaluator.evaluate(block, store, validationData, epoch, run);
      if (checkpointDir != null) {
        TrainingCheckpoint.capture(epoch + 1, seed, parameters, sgd).write(TrainingCheckpoint.fileIn(checkpointDir));
      }
      double wall = (System.nanoTime() - start) / 1e9;
      return new EpochResult(epoch, train.loss(), train.top1(), val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.top1(), lr, train.samples() / trainSeconds, wall);
    }

    private void step(NDList batch, int epoch, double lr, ClassificationMetrics metrics, NDManager step) {
      NDArray labels = batch.get(1);
      NDArray logits;
      NDArray loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        logits = block.forward(store, new NDList(batch.get(0)), true).singletonOrThrow();
        loss = ClassificationMetrics.crossEntropy(logits, labels);
        collector.backward(loss);
      }
      metrics.add(logits, labels, loss);
      List<Sgd.Step> updates = new ArrayList<>(parameters.size());
      for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
        if (e.getValue().requiresGradient()) {
          Sgd.Step u = prepare(e.getKey(), e.getValue(), epoch, step);
          if (u != null) {
            updates.add(u);
          }
        }
      }
      sgd.updateAll(updates, lr);
      for (Sgd.Step u : updates) {
        masks.apply(u.name(), u.parameter().getArray());
      }
    }

    /** The parameter's gradient with the hooks' terms added and its mask applied; null when it has none. */
    private Sgd.Step prepare(String name, Parameter parameter, int epoch, NDManager step) {
      NDArray gradient = TorchSupport.gradientOrNull(parameter.getArray());
      if (gradient == null) {
        return null; // no backward has reached it yet (later its gradient stays defined, at zero, as with
                     // torch's zero_grad(set_to_none=False); every parameter of a graph takes part in every pass)
      }
      gradient.attach(step);
      for (GradientHook hook : hooks) {
        hook.onGradient(name, parameter, gradient, epoch, epochs);
      }
      masks.apply(name, gradient);
      return new Sgd.Step(name, parameter, gradient);
    }
  }

  /** Required: block, optimizer, schedule, epochs, training data. */
  public static final class Builder {
    private Block block;
    private Sgd sgd;
    private LrSchedule schedule;
    private int epochs;
    private EpochData trainData;
    private EpochData validationData;
    private long seed;
    private final List<Consumer<EpochResult>> callbacks = new ArrayList<>();
    private final Map<String, NDArray> masks = new LinkedHashMap<>();
    private final List<GradientHook> hooks = new ArrayList<>();
    private Path checkpointDir;
    private MaskUpdate maskUpdate;
    private TrainingProgress progress = TrainingProgress.NONE;
    private long imagesPerEpoch;

    private Builder() {}

    /** An initialized block mapping images {@code [B,C,H,W]} to logits {@code [B,K]}. */
    public Builder setBlock(Block block) {
      this.block = block;
      return this;
    }

    public Builder setOptimizer(Sgd sgd) {
      this.sgd = sgd;
      return this;
    }

    public Builder setSchedule(LrSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder setEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder setTrainData(EpochData trainData) {
      this.trainData = trainData;
      return this;
    }

    public Builder optValidationData(EpochData validationData) {
      this.validationData = validationData;
      return this;
    }

    /** The seed from which each epoch's engine seed is derived; 0 by default. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Called after each epoch (after its checkpoint is written); may be given several times. */
    public Builder optCallback(Consumer<EpochResult> callback) {
      callbacks.add(callback);
      return this;
    }

    /** 0/1 masks by parameter name, copied when the run starts; validated by {@link TrainingRun#fit}. */
    public Builder optMasks(Map<String, NDArray> masks) {
      this.masks.putAll(masks);
      return this;
    }

    /** A hook run on every gradient before masking and the step; hooks run in the order given. */
    public Builder optGradientHook(GradientHook hook) {
      hooks.add(hook);
      return this;
    }

    /** Recomputes the masks at the start of each epoch (gradual pruning); see {@link MaskUpdate}. */
    public Builder optMaskUpdate(MaskUpdate update) {
      this.maskUpdate = update;
      return this;
    }

    /** Where to checkpoint after each epoch and resume from. */
    public Builder optCheckpointDir(Path checkpointDir) {
      this.checkpointDir = checkpointDir;
      return this;
    }

    /**
     * Told after every training step how far the epoch is ({@link TrainingProgress#NONE} by default).
     *
     * @param imagesPerEpoch the training data's images per epoch, passed on to the listener (0: unknown)
     */
    public Builder optProgress(TrainingProgress progress, long imagesPerEpoch) {
      this.progress = progress;
      this.imagesPerEpoch = imagesPerEpoch;
      return this;
    }

    public TrainingRun build() {
      validate();
      return new TrainingRun(this);
    }

    private void validate() {
      require(block, "block");
      require(sgd, "optimizer");
      require(schedule, "schedule");
      require(trainData, "trainData");
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs: must be at least 1, got " + epochs);
      }
      if (!block.isInitialized()) {
        throw new IllegalArgumentException("block: must be initialized (block.initialize) before training");
      }
      if (callbacks.contains(null) || hooks.contains(null) || masks.containsValue(null) || progress == null) {
        throw new IllegalArgumentException("callbacks, gradient hooks, masks and progress: must not be null");
      }
    }

    private static void require(Object value, String field) {
      if (value == null) {
        throw new IllegalArgumentException(field + ": is required");
      }
    }
  }
}
