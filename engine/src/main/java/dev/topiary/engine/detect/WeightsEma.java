package dev.topiary.engine.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.exec.GradMode;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.model.PruningStep;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of a block's parameters and BatchNorm statistics, YOLOv5's {@code
 * ModelEMA}: after the {@code n}-th update, {@code ema = d * ema + (1 - d) * w} with {@code d =
 * decay * (1 - exp(-n / tau))} (0.9999 and 2000 by default), so early updates follow the weights
 * closely and late ones average over thousands of steps. YOLOv5 validates and saves the average,
 * not the raw weights.
 *
 * <p>Lifecycle: the copies live in a sub-manager of the one given; {@link #close} frees them. Update
 * with autograd off, after each optimizer step.
 */
public final class WeightsEma implements AutoCloseable {
  private final NDManager manager;
  private final Map<ParamKey, NDArray> average = new LinkedHashMap<>();
  private final double decay;
  private final double tau;
  private long updates;

  public WeightsEma(GraphBlock block, NDManager parent, double decay, double tau) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("ema decay: must be in (0, 1), got " + decay);
    }
    if (!(tau > 0)) {
      throw new IllegalArgumentException("ema tau: must be positive, got " + tau);
    }
    this.decay = decay;
    this.tau = tau;
    manager = parent.newSubManager();
    try (GradMode.Scope s = GradMode.disabled()) {
      block.parameterArrays().forEach((k, w) -> {
        NDArray copy = w.duplicate();
        copy.attach(manager);
        average.put(k, copy);
      });
    }
  }

  /** YOLOv5's defaults: decay 0.9999, tau 2000. */
  public static WeightsEma yolov5(GraphBlock block, NDManager parent) {
    return new WeightsEma(block, parent, 0.9999, 2000);
  }

  /** The decay the next update uses. */
  public double nextDecay() {
    return decay * (1 - Math.exp(-(updates + 1) / tau));
  }

  /** Moves the average towards the block's current parameters. */
  public void update(GraphBlock block) {
    float d = (float) nextDecay();
    updates++;
    try (GradMode.Scope s = GradMode.disabled()) {
      for (Map.Entry<ParamKey, NDArray> e : block.parameterArrays().entrySet()) {
        NDArray avg = average.get(e.getKey());
        avg.muli(d);
        try (NDArray t = e.getValue().mul(1 - d)) {
          avg.addi(t);
        }
      }
    }
  }

  public long updates() {
    return updates;
  }

  /** The average by parameter name (live arrays, not copies), for a checkpoint. */
  public Map<String, NDArray> arrays() {
    Map<String, NDArray> byName = new LinkedHashMap<>();
    average.forEach((k, a) -> byName.put(k.toString(), a));
    return byName;
  }

  /**
   * Replaces the average and the update count by a checkpoint's.
   *
   * @throws InvalidWeightsException naming {@code source} when a parameter is missing or differs in shape
   */
  public void restore(Map<String, NDArray> saved, long updates, Path source) {
    try (GradMode.Scope s = GradMode.disabled()) {
      for (Map.Entry<ParamKey, NDArray> e : average.entrySet()) {
        NDArray from = saved.get(e.getKey().toString());
        if (from == null || !from.getShape().equals(e.getValue().getShape())) {
          throw new InvalidWeightsException("checkpoint " + source + ": the weights' average of '" + e.getKey() + "' is "
              + (from == null ? "missing" : from.getShape() + ", the model's is " + e.getValue().getShape()));
        }
        e.getValue().set(from.toFloatArray());
      }
    }
    this.updates = updates;
  }

  /** Writes the average into {@code target} (a block of the same graph, e.g. the one used for validation). */
  public void copyInto(GraphBlock target) {
    try (GradMode.Scope s = GradMode.disabled()) {
      for (Map.Entry<ParamKey, NDArray> e : target.parameterArrays().entrySet()) {
        e.getValue().set(average.get(e.getKey()).toFloatArray());
      }
    }
  }

  /** The average as a model of {@code block}'s graph. */
  public Model toModel(GraphBlock block, List<PruningStep> history) {
    Weights w = new Weights();
    average.forEach((k, a) -> {
      long[] s = a.getShape().getShape();
      int[] shape = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        shape[i] = (int) s[i];
      }
      w.put(k, new Tensor(shape, a.toFloatArray()));
    });
    return new Model(block.graph(), w, history);
  }

  @Override
  public void close() {
    manager.close();
  }
}
