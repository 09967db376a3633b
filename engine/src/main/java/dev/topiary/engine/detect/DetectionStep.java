package dev.topiary.engine.detect;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.exec.GradMode;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.train.GradientHook;
import dev.topiary.engine.train.Sgd;
import dev.topiary.engine.train.TorchSupport;
import dev.topiary.engine.train.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One iteration of YOLOv5's training loop on a block, the part that {@link DetectionTrainer}
 * repeats and {@link DetectionThroughput} times: {@link #forwardBackward} runs the block in
 * training mode, {@link YoloLoss} and backward (gradients accumulate in the parameters); {@link
 * #optimizerStep}, when the caller's accumulation says one is due, runs the gradient hooks, clips
 * the gradients' joint L2 norm at 10, applies SGD with Nesterov momentum over YOLOv5's parameter
 * groups (biases, incl. BN shifts, at their own learning rate; only weights of two or more
 * dimensions decay), zeroes the gradients and updates the EMA of the weights.
 *
 * <p>The schedule (learning rates, momentum warm-up, how many batches a step accumulates) is the
 * caller's: the trainer follows YOLOv5's, a benchmark holds it fixed.
 *
 * <p>Lifecycle: built on an initialised block; the optimizer's momentum buffers and the EMA's
 * copies live in sub-managers of the given manager until {@link #close}. The calling thread must
 * have autograd off outside {@link #forwardBackward} ({@link TorchSupport#disableAutogradOnThisThread}),
 * since the step writes parameters in place. Not thread-safe.
 */
public final class DetectionStep implements AutoCloseable {
  /** YOLOv5's gradient clipping: the joint L2 norm of all gradients at most 10. */
  static final float MAX_GRAD_NORM = 10f;
  private static final String EMA_UPDATES = "emaUpdates";
  private final GraphBlock block;
  private final YoloLoss loss;
  private final ParameterStore store;
  private final Sgd sgd;
  private final Groups groups;
  private final WeightsEma average;
  private final List<GradientHook> hooks;
  /** Gradients a resumed run carries over from its checkpoint into its first pass, or null. */
  private Map<Parameter, NDArray> carried;

  /**
   * @param block the detector, initialised on {@code manager}'s device
   * @param manager the manager that holds the block's parameters
   * @param anchors the head's anchors
   * @param hyp the momentum and weight decay (scaled to {@code batchSize} as YOLOv5 does) come from it
   * @param batchSize pictures per batch
   * @param ema whether to keep YOLOv5's EMA of the weights ({@link #average()})
   * @param hooks run on each gradient before the step
   */
  public DetectionStep(GraphBlock block, NDManager manager, Anchors anchors, DetectionHyp hyp, int batchSize, boolean ema,
      List<GradientHook> hooks) {
    this.block = block;
    this.hooks = List.copyOf(hooks);
    sgd = Sgd.builder().optMomentum(hyp.momentum()).optNesterov(true).optWeightDecay(hyp.scaledWeightDecay(batchSize))
        .optNoDecayOnOneDimensional(true).build();
    groups = Groups.of(block);
    loss = YoloLoss.builder().setHead(DetectHead.of(block.graph())).setAnchors(anchors).build();
    store = new ParameterStore(manager, false);
    average = ema ? WeightsEma.yolov5(block, manager) : null;
  }

  /**
   * One forward and backward pass; the gradients add to those already held. Arrays of the pass live
   * in {@code scratch}.
   *
   * @return the box, objectness and class losses (copied to the host)
   */
  public float[] forwardBackward(DetectionBatch batch, NDManager scratch) {
    NDArray images = batch.images(scratch);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDList maps = block.forward(store, new NDList(images), true);
      YoloLoss.Parts parts = loss.compute(scratch, maps, batch.targets());
      collector.backward(parts.total());
      addCarried();
      float[] v = parts.values();
      return new float[] {v[0], v[1], v[2]};
    }
  }

  /**
   * Hooks, clipping, SGD and zeroing of the accumulated gradients, then the EMA's update.
   *
   * @param biasLr the learning rate of biases and BN shifts (YOLOv5's group 2)
   * @param lr the learning rate of the other parameters
   * @param momentum this step's momentum (warmed up by the trainer)
   * @param epoch passed to the gradient hooks
   * @param epochs passed to the gradient hooks
   * @param scratch where the gradients' temporaries live
   * @return false when the step was skipped: the gradients' joint norm was not finite (an infinity
   *     or NaN, or squares past float32's range), so the gradients were zeroed and the parameters,
   *     the momentum and the EMA left as they were, as YOLOv5's AMP gradient scaler skips such a
   *     step on a GPU; one such step would otherwise turn every weight into NaN
   */
  public boolean optimizerStep(double biasLr, double lr, double momentum, int epoch, int epochs, NDManager scratch) {
    if (!groups.step(sgd, hooks, new double[] {biasLr, lr}, momentum, epoch, epochs, scratch)) {
      return false;
    }
    if (average != null) {
      average.update(block);
    }
    return true;
  }

  /**
   * The step's state for a checkpoint after {@code epochsCompleted} epochs: the block's parameters
   * (running statistics included), the momentum buffers, the EMA and its update count, and the
   * caller's counters; with {@code pending}, also the gradients accumulated since the last
   * optimizer step, which the next step would have applied. Live views: write it before the next
   * step.
   */
  public TrainingCheckpoint checkpoint(int epochsCompleted, long seed, boolean pending, Map<String, Long> counters) {
    Map<String, Long> all = new LinkedHashMap<>(counters);
    all.put(EMA_UPDATES, average == null ? 0L : average.updates());
    Map<String, Parameter> parameters = TorchSupport.parametersByName(block);
    Map<String, NDArray> gradients = new LinkedHashMap<>();
    if (pending) {
      parameters.forEach((name, p) -> {
        NDArray g = p.requiresGradient() ? TorchSupport.gradientOrNull(p.getArray()) : null;
        if (g != null) {
          gradients.put(name, g);
        }
      });
    }
    return TrainingCheckpoint.capture(epochsCompleted, seed, parameters, sgd, average == null ? Map.of() : average.arrays(), gradients, all);
  }

  /**
   * Restores a checkpoint of {@link #checkpoint} into the block, the momentum buffers and the EMA.
   *
   * @param manager the manager that holds the block's parameters
   * @throws dev.topiary.engine.InvalidWeightsException naming {@code file} when it does not fit the block
   */
  public void restore(TrainingCheckpoint checkpoint, NDManager manager, Path file) {
    Map<String, Parameter> byName = TorchSupport.parametersByName(block);
    checkpoint.restoreInto(byName, sgd, manager, file);
    if (average != null) {
      average.restore(checkpoint.average(), checkpoint.counter(EMA_UPDATES, file), file);
    }
    closeCarried();
    if (!checkpoint.gradients().isEmpty()) {
      carried = new LinkedHashMap<>();
      checkpoint.gradients().forEach((name, g) -> {
        if (!byName.containsKey(name)) {
          throw new InvalidWeightsException("checkpoint " + file + ": gradient of '" + name + "' is not a parameter of the block");
        }
        NDArray copy = TorchSupport.copyTo(g, manager.getDevice());
        copy.attach(manager);
        carried.put(byName.get(name), copy);
      });
    }
  }

  /**
   * Adds the gradients a checkpoint carried over to those the first pass after a resume computed,
   * in the order an uninterrupted run adds them (float addition commutes, so the sums are equal to
   * the bit).
   */
  private void addCarried() {
    if (carried == null) {
      return;
    }
    try (GradMode.Scope s = GradMode.disabled()) {
      carried.forEach((p, g) -> {
        NDArray mine = TorchSupport.gradientOrNull(p.getArray());
        if (mine != null) {
          mine.addi(g);
        }
      });
    }
    closeCarried();
  }

  private void closeCarried() {
    if (carried != null) {
      carried.values().forEach(NDArray::close);
      carried = null;
    }
  }

  /** The EMA of the weights, or null when it is off. */
  public WeightsEma average() {
    return average;
  }

  @Override
  public void close() {
    closeCarried();
    if (average != null) {
      average.close();
    }
    sgd.close();
  }

  /** YOLOv5's three parameter groups: biases (incl. BN shifts; group 0), the rest (group 1). */
  private record Groups(List<Named> biases, List<Named> others) {
    record Named(String name, Parameter parameter) {}

    static Groups of(GraphBlock block) {
      List<Named> biases = new ArrayList<>();
      List<Named> others = new ArrayList<>();
      for (ParamKey k : block.graph().paramShapes().keySet()) {
        Parameter p = block.parameter(k);
        if (!p.requiresGradient()) {
          continue;
        }
        (k.role() == ParamRole.BIAS || k.role() == ParamRole.BETA ? biases : others).add(new Named(k.toString(), p));
      }
      return new Groups(biases, others);
    }

    boolean step(Sgd sgd, List<GradientHook> hooks, double[] lr, double momentum, int epoch, int epochs, NDManager scratch) {
      List<Sgd.Step> b = prepare(biases, hooks, epoch, epochs, scratch);
      List<Sgd.Step> o = prepare(others, hooks, epoch, epochs, scratch);
      if (!clipNorm(b, o)) {
        for (List<Sgd.Step> group : List.of(b, o)) {
          for (Sgd.Step s : group) {
            TorchSupport.zeroGradient(s.parameter().getArray(), s.gradient());
          }
        }
        return false;
      }
      sgd.updateAll(b, lr[0], momentum);
      sgd.updateAll(o, lr[1], momentum);
      return true;
    }

    /**
     * {@code torch.nn.utils.clip_grad_norm_(parameters, max_norm=10)}, as YOLOv5's train.py does before
     * every step: all gradients scaled by {@code min(1, 10 / (norm + 1e-6))} of their joint L2 norm.
     * The squared norm is read back (one value per optimizer step, a wait for the device on a GPU) to
     * refuse a step whose norm is not finite.
     *
     * @return false, scaling nothing, when the norm is not finite
     */
    private static boolean clipNorm(List<Sgd.Step> a, List<Sgd.Step> b) {
      NDArray sum = null;
      for (List<Sgd.Step> group : List.of(a, b)) {
        for (Sgd.Step s : group) {
          NDArray sq = s.gradient().square().sum();
          sum = sum == null ? sq : sum.add(sq);
        }
      }
      if (sum == null) {
        return true;
      }
      if (!Float.isFinite(sum.getFloat())) {
        return false;
      }
      NDArray coef = sum.sqrt().add(1e-6f).pow(-1).mul(MAX_GRAD_NORM).minimum(1f);
      for (List<Sgd.Step> group : List.of(a, b)) {
        for (Sgd.Step s : group) {
          s.gradient().muli(coef);
        }
      }
      return true;
    }

    private static List<Sgd.Step> prepare(List<Named> group, List<GradientHook> hooks, int epoch, int epochs, NDManager scratch) {
      List<Sgd.Step> steps = new ArrayList<>(group.size());
      for (Named n : group) {
        NDArray g = TorchSupport.gradientOrNull(n.parameter().getArray());
        if (g == null) {
          continue;
        }
        g.attach(scratch);
        for (GradientHook hook : hooks) {
          hook.onGradient(n.name(), n.parameter(), g, epoch, epochs);
        }
        steps.add(new Sgd.Step(n.name(), n.parameter(), g));
      }
      return steps;
    }
  }
}
