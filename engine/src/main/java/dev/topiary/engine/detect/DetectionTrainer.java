package dev.topiary.engine.detect;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.EngineSettings;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.train.TorchSupport;
import dev.topiary.engine.train.TrainingCheckpoint;
import dev.topiary.engine.train.TrainingProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains a detector as YOLOv5's {@code train.py} does: SGD with Nesterov momentum over three
 * parameter groups (biases, BatchNorm scales and weights; only weights decay), a warm-up of the
 * learning rates and momentum, linear or cosine decay per epoch, gradients accumulated to a nominal
 * batch of 64, the gradients' joint norm clipped at 10, YOLOv5's loss ({@link YoloLoss}) and an EMA of the weights ({@link WeightsEma}) that
 * is validated each epoch and returned. Gradient hooks (network slimming's BN sparsity) run on each
 * gradient before the step, as the seed's {@code --sr} does after {@code backward}. One iteration
 * (forward, loss, backward, and the optimizer step when one is due) is a {@link DetectionStep}; this
 * class owns the schedule around it.
 *
 * <p><b>Non-finite gradients.</b> A step whose gradients have no finite joint norm is skipped
 * ({@link DetectionStep#optimizerStep}) and counted in the epoch's result, as YOLOv5's AMP gradient
 * scaler skips them on a GPU (on the CPU YOLOv5 has no scaler, and one such step turns every weight
 * into NaN: seen here on yolov5n after 17 to 21 epochs, at random, on the AVX-512 VM whose oneDNN
 * kernels are known to compute some shapes wrong). An epoch whose every step is skipped ends the run
 * with an error: the training diverged.
 *
 * <p><b>Resumable.</b> With a checkpoint directory, each epoch ends by writing a {@link
 * TrainingCheckpoint} (parameters, momentum, the EMA and its update count, the iteration counters
 * of the warm-up and the accumulation) before the callback runs, and a run that finds one trains
 * only the remaining epochs. Each epoch's data and random state depend only on the seed and the
 * epoch, so a resumed run ends bit-identical to an uninterrupted one on the CPU; its outcome lists
 * the epochs it trained.
 *
 * <p>Runs on {@link EngineSettings#computeDevice()}. One trainer fits once; build another for
 * another run.
 */
public final class DetectionTrainer {
  private static final String ITERATION = "iteration";
  private static final String LAST_STEP = "lastStep";
  private final Model model;
  private final Anchors anchors;
  private final DetectionLoader train;
  private final DetectionLoader validation;
  private final int epochs;
  private final DetectionHyp hyp;
  private final long seed;
  private final boolean ema;
  private final List<GradientHook> hooks;
  private final Consumer<DetectionEpochResult> callback;
  private final Path checkpointDir;
  private final TrainingProgress progress;

  private DetectionTrainer(Builder b) {
    model = b.model;
    anchors = b.anchors;
    train = b.train;
    validation = b.validation;
    epochs = b.epochs;
    hyp = b.hyp;
    seed = b.seed;
    ema = b.ema;
    hooks = List.copyOf(b.hooks);
    callback = b.callback;
    checkpointDir = b.checkpointDir;
    progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The trained model (the EMA weights when EMA is on) and one result per epoch. */
  public record Outcome(Model model, List<DetectionEpochResult> epochs) {}

  public Outcome fit() {
    DetectHead head = DetectHead.of(model.graph());
    int batchSize = train.batchSize();
    int batches = train.numBatches();
    int warmup = hyp.warmupIterations(batches);
    List<DetectionEpochResult> results = new ArrayList<>();
    TorchSupport.disableAutogradOnThisThread();
    try (NDManager manager = NDManager.newBaseManager(EngineSettings.computeDevice())) {
      GraphBlock block = BlockWeights.load(model, manager);
      GraphBlock evalBlock = validation == null ? null : BlockWeights.load(model, manager);
      try (DetectionStep step = new DetectionStep(block, manager, anchors, hyp, batchSize, ema, hooks)) {
        WeightsEma average = step.average();
        long iteration = 0;
        long lastStep = -1;
        int first = 0;
        Path file = checkpointDir == null ? null : TrainingCheckpoint.fileIn(checkpointDir);
        if (file != null && Files.exists(file)) {
          try (NDManager scratch = manager.newSubManager()) {
            TrainingCheckpoint saved = TrainingCheckpoint.read(file, scratch);
            saved.checkFits(seed, epochs, file);
            step.restore(saved, manager, file);
            iteration = saved.counter(ITERATION, file);
            lastStep = saved.counter(LAST_STEP, file);
            first = saved.epochsCompleted();
          }
        }
        for (int epoch = first; epoch < epochs; epoch++) {
          Engine.getInstance().setRandomSeed((int) (seed * 31 + epoch));
          long start = System.nanoTime();
          double[] sums = new double[3];
          int seen = 0;
          int counted = 0;
          double lrNow = 0;
          int steps = 0;
          int skipped = 0;
          for (DetectionBatch batch : train.epoch(epoch)) {
            int accumulate = hyp.accumulate(batchSize);
            double[] lr = new double[] {hyp.lr0() * hyp.factor(epoch, epochs), hyp.lr0() * hyp.factor(epoch, epochs)};
            double momentum = hyp.momentum();
            if (iteration <= warmup && warmup > 0) {
              double f = (double) iteration / warmup;
              accumulate = Math.max(1, (int) Math.round(1 + f * ((double) hyp.nominalBatch() / batchSize - 1)));
              lr[0] = hyp.warmupBiasLr() + f * (lr[0] - hyp.warmupBiasLr());
              lr[1] = f * lr[1];
              momentum = hyp.warmupMomentum() + f * (hyp.momentum() - hyp.warmupMomentum());
            }
            try (NDManager scratch = manager.newSubManager()) {
              float[] parts = step.forwardBackward(batch, scratch);
              sums[0] += parts[0];
              sums[1] += parts[1];
              sums[2] += parts[2];
              counted++;
              if (iteration - lastStep >= accumulate) {
                steps++;
                if (!step.optimizerStep(lr[0], lr[1], momentum, epoch, epochs, scratch)) {
                  skipped++;
                }
                lastStep = iteration;
              }
            }
            lrNow = lr[1];
            seen += batch.size();
            iteration++;
            progress.stepped(epoch, epochs, seen, train.size());
          }
          double trainSeconds = (System.nanoTime() - start) / 1e9;
          DetectionMetrics.Result val = null;
          if (evalBlock != null) {
            if (average != null) {
              average.copyInto(evalBlock);
            } else {
              BlockWeights.copyInto(BlockWeights.export(block), evalBlock);
            }
            val = DetectionEvaluator.evaluate(evalBlock, validation, anchors, head.numClasses());
          }
          DetectionEpochResult r = new DetectionEpochResult(epoch, sums[0] / counted, sums[1] / counted, sums[2] / counted, lrNow,
              val == null ? Double.NaN : val.precision(), val == null ? Double.NaN : val.recall(),
              val == null ? Double.NaN : val.map50(), val == null ? Double.NaN : val.map(),
              seen / trainSeconds, (System.nanoTime() - start) / 1e9, skipped);
          if (steps > 0 && skipped == steps) {
            throw new IllegalStateException("training diverged: every optimizer step of epoch " + (epoch + 1) + " (" + steps
                + ") had gradients of no finite norm and was skipped; lower the learning rate (lr0 " + hyp.lr0() + ") or check the data");
          }
          if (file != null) {
            step.checkpoint(epoch + 1, seed, iteration - 1 != lastStep, Map.of(ITERATION, iteration, LAST_STEP, lastStep)).write(file);
          }
          results.add(r);
          if (callback != null) {
            callback.accept(r);
          }
        }
        Model out = average != null ? average.toModel(block, model.history()) : BlockWeights.toModel(block, model.history());
        return new Outcome(out, results);
      }
    }
  }

  /** Required: model, anchors, training data, epochs. */
  public static final class Builder {
    private Model model;
    private Anchors anchors;
    private DetectionLoader train;
    private DetectionLoader validation;
    private int epochs;
    private DetectionHyp hyp = DetectionHyp.yolov5();
    private long seed;
    private boolean ema = true;
    private final List<GradientHook> hooks = new ArrayList<>();
    private Consumer<DetectionEpochResult> callback;
    private Path checkpointDir;
    private TrainingProgress progress = TrainingProgress.NONE;

    private Builder() {}

    /** Told after every batch (a progress line within each epoch). */
    public Builder optProgress(TrainingProgress progress) {
      this.progress = java.util.Objects.requireNonNull(progress, "progress");
      return this;
    }

    /** Where to write a checkpoint after each epoch and resume from one. */
    public Builder optCheckpointDir(Path checkpointDir) {
      this.checkpointDir = checkpointDir;
      return this;
    }

    public Builder setModel(Model model) {
      this.model = model;
      return this;
    }

    public Builder setAnchors(Anchors anchors) {
      this.anchors = anchors;
      return this;
    }

    public Builder setTrainData(DetectionLoader train) {
      this.train = train;
      return this;
    }

    public Builder optValidationData(DetectionLoader validation) {
      this.validation = validation;
      return this;
    }

    public Builder setEpochs(int epochs) {
      this.epochs = epochs;
      return this;
    }

    public Builder optHyp(DetectionHyp hyp) {
      this.hyp = hyp;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Whether to keep, validate and return an EMA of the weights (on by default, as YOLOv5). */
    public Builder optEma(boolean ema) {
      this.ema = ema;
      return this;
    }

    public Builder optGradientHook(GradientHook hook) {
      hooks.add(hook);
      return this;
    }

    public Builder optCallback(Consumer<DetectionEpochResult> callback) {
      this.callback = callback;
      return this;
    }

    public DetectionTrainer build() {
      if (model == null || anchors == null || train == null || hyp == null) {
        throw new IllegalArgumentException((model == null ? "model" : anchors == null ? "anchors" : train == null ? "trainData" : "hyp") + ": is required");
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs: must be at least 1, got " + epochs);
      }
      DetectHead head = DetectHead.of(model.graph());
      if (head.levels() != anchors.levels()) {
        throw new IllegalArgumentException("anchors: the model '" + model.graph().name() + "' has " + head.levels() + " head maps but the anchors have " + anchors.levels() + " levels");
      }
      return new DetectionTrainer(this);
    }
  }
}
