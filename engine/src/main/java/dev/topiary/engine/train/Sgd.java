package dev.topiary.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.topiary.engine.exec.ScriptedOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with the update rule of torch {@code optim.SGD}, equal to it within
 * float32 rounding (torch's {@code add(x, alpha=a)} fuses the product and the sum into one rounding
 * on the CPU; here the product is rounded, then the sum):
 *
 * <pre>
 * d = g + weightDecay * w
 * if momentum != 0: buf = d on the first step, else momentum * buf + (1 - dampening) * d
 *                   d = nesterov ? d + momentum * buf : buf
 * w -= lr * d
 * </pre>
 *
 * <p>The learning rate is passed per call (it comes from an {@link LrSchedule}). Weight decay
 * applies to every parameter, as in torch, unless {@link Builder#optNoDecayOnOneDimensional} is
 * set, which exempts 1-D parameters (biases and normalisation gamma/beta).
 *
 * <p>Lifecycle: an instance holds the momentum buffers, keyed by parameter name, in a sub-manager
 * of the first updated weight's manager; {@link #close} frees them. One instance serves one model.
 * Not thread-safe.
 *
 * <p>The scalar factors (momentum, weight decay, learning rate) are kept as 0-d float32 arrays in
 * the same sub-manager: DJL's {@code mul(Number)} builds and frees such an array on every call,
 * which for small models cost more than the arithmetic. The result is the same float32 product.
 */
public final class Sgd implements AutoCloseable {
  private final float momentum;
  private final float dampening;
  private final boolean nesterov;
  private final float weightDecay;
  private final boolean noDecayOnOneDimensional;
  private final Map<String, NDArray> buffers = new HashMap<>();
  private NDManager stateManager;
  private Scalars scalars;

  private Sgd(Builder b) {
    this.momentum = b.momentum;
    this.dampening = b.dampening;
    this.nesterov = b.nesterov;
    this.weightDecay = b.weightDecay;
    this.noDecayOnOneDimensional = b.noDecayOnOneDimensional;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Updates {@code parameter}'s array in place from {@code gradient}, which is consumed: it is
   * overwritten with the decayed (and, for Nesterov, momentum-corrected) direction. Must run with
   * autograd off (outside a gradient collector).
   */
  public void update(String name, Parameter parameter, NDArray gradient, double lr) {
    update(name, parameter, gradient, lr, momentum);
  }

  private void update(String name, Parameter parameter, NDArray gradient, double lr, float momentumNow) {
    NDArray w = parameter.getArray();
    Scalars k = scalars(w);
    k.momentum(momentumNow);
    if (decays(w)) {
      try (NDArray t = w.mul(k.weightDecay)) {
        gradient.addi(t);
      }
    }
    NDArray direction = momentumNow == 0f ? gradient : applyMomentum(name, w, gradient, k);
    try (NDArray t = direction.mul(k.lr((float) lr))) {
      w.subi(t);
    }
  }

  /** One parameter's part of a step: its name, the parameter and its gradient, which the step consumes. */
  public record Step(String name, Parameter parameter, NDArray gradient) {}

  /**
   * Updates every parameter of {@code steps} as {@link #update} does, then zeroes each weight's
   * stored gradient. Once every parameter has its momentum buffer (from the second step on), on
   * libtorch, the whole step is one call of a TorchScript module that runs torch's multi-tensor
   * ({@code _foreach}) kernels: the same float32 operations, so the same weights bit for bit, in a
   * dozen kernel launches instead of six small calls per parameter (ResNet-56 has 173 parameters;
   * those calls, not the kernels, bounded a GPU's training step). Must run with autograd off.
   */
  public void updateAll(List<Step> steps, double lr) {
    updateAll(steps, lr, momentum);
  }

  /**
   * As {@link #updateAll(List, double)} with the momentum factor of this step given (YOLOv5 warms it
   * up from 0.8 to its final value over the first iterations); a momentum optimizer only.
   */
  public void updateAll(List<Step> steps, double lr, double momentumNow) {
    if (momentum == 0f && momentumNow != 0) {
      throw new IllegalArgumentException("momentum: this optimizer was built without momentum, got a step with " + momentumNow);
    }
    float m = momentum == 0f ? 0f : (float) momentumNow;
    if (steps.isEmpty()) {
      return;
    }
    if (!batchable(steps)) {
      for (Step s : steps) {
        update(s.name(), s.parameter(), s.gradient(), lr, m);
        TorchSupport.zeroGradient(s.parameter().getArray(), s.gradient());
      }
      return;
    }
    List<NDArray> params = new ArrayList<>(steps.size());
    List<NDArray> grads = new ArrayList<>(steps.size());
    List<NDArray> decayParams = new ArrayList<>(steps.size());
    List<NDArray> decayGrads = new ArrayList<>(steps.size());
    List<NDArray> bufs = new ArrayList<>(steps.size());
    for (Step s : steps) {
      NDArray w = s.parameter().getArray();
      params.add(w);
      grads.add(s.gradient());
      if (decays(w)) {
        decayParams.add(w);
        decayGrads.add(s.gradient());
      }
      if (momentum != 0f) {
        bufs.add(buffers.get(s.name()));
      }
    }
    ScriptedOps.sgdStep(params, grads, decayParams, decayGrads, bufs, (float) lr, weightDecay, m, 1f - dampening, nesterov);
  }

  /** libtorch arrays whose momentum buffers exist (the first step creates them one by one). */
  private boolean batchable(List<Step> steps) {
    for (Step s : steps) {
      if (!ScriptedOps.isTorchArray(s.parameter().getArray()) || !ScriptedOps.isTorchArray(s.gradient())
          || (momentum != 0f && !ScriptedOps.isTorchArray(buffers.get(s.name())))) {
        return false;
      }
    }
    return true;
  }

  private boolean decays(NDArray w) {
    return weightDecay != 0f && !(noDecayOnOneDimensional && w.getShape().dimension() <= 1);
  }

  private NDArray applyMomentum(String name, NDArray weight, NDArray d, Scalars k) {
    NDArray buf = buffers.get(name);
    if (buf == null) {
      buf = d.duplicate();
      buf.attach(state(weight.getManager()));
      buffers.put(name, buf);
    } else {
      buf.muli(k.momentum);
      if (dampening == 0f) {
        buf.addi(d);
      } else {
        try (NDArray t = d.mul(k.undamped)) {
          buf.addi(t);
        }
      }
    }
    if (!nesterov) {
      return buf;
    }
    try (NDArray t = buf.mul(k.momentum)) {
      d.addi(t);
    }
    return d;
  }

  private Scalars scalars(NDArray weight) {
    if (scalars == null) {
      scalars = new Scalars(state(weight.getManager()));
    }
    return scalars;
  }

  /** The update's factors as 0-d float32 arrays on the parameters' device; the learning rate is the last one used. */
  private final class Scalars {
    private final NDManager manager;
    NDArray momentum;
    private float momentumValue;
    final NDArray undamped;
    final NDArray weightDecay;
    private float lrValue = Float.NaN;
    private NDArray lr;

    Scalars(NDManager manager) {
      this.manager = manager;
      momentum = scalar(Sgd.this.momentum);
      momentumValue = Sgd.this.momentum;
      undamped = scalar(1f - dampening);
      weightDecay = scalar(Sgd.this.weightDecay);
    }

    /** Sets the momentum factor the next update uses, rebuilding its array only when it changes. */
    void momentum(float value) {
      if (Float.compare(value, momentumValue) != 0) {
        momentum.close();
        momentum = scalar(value);
        momentumValue = value;
      }
    }

    /** The learning rate as an array, rebuilt only when it changes (once per epoch at most). */
    NDArray lr(float value) {
      if (Float.compare(value, lrValue) != 0) {
        if (lr != null) {
          lr.close();
        }
        lr = scalar(value);
        lrValue = value;
      }
      return lr;
    }

    private NDArray scalar(float value) {
      return manager.create(value);
    }
  }

  private NDManager state(NDManager modelManager) {
    if (stateManager == null) {
      stateManager = modelManager.newSubManager();
    }
    return stateManager;
  }

  /** The momentum buffers by parameter name (live, read-only view; for checkpoints). */
  public Map<String, NDArray> momentumBuffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /**
   * Replaces all momentum buffers by copies of {@code saved} (from a checkpoint); {@code
   * modelManager} is the manager of the model's parameters, under which the buffers will live.
   */
  public void restoreMomentumBuffers(Map<String, NDArray> saved, NDManager modelManager) {
    clearBuffers();
    for (Map.Entry<String, NDArray> e : saved.entrySet()) {
      NDArray copy = TorchSupport.copyTo(e.getValue(), modelManager.getDevice());
      copy.attach(state(modelManager));
      buffers.put(e.getKey(), copy);
    }
  }

  private void clearBuffers() {
    buffers.values().forEach(NDArray::close);
    buffers.clear();
  }

  public float momentum() {
    return momentum;
  }

  public float weightDecay() {
    return weightDecay;
  }

  @Override
  public void close() {
    clearBuffers();
    scalars = null;
    if (stateManager != null) {
      stateManager.close();
      stateManager = null;
    }
  }

  @Override
  public String toString() {
    return "Sgd[momentum=" + momentum + ", dampening=" + dampening + ", nesterov=" + nesterov + ", weightDecay=" + weightDecay
        + (noDecayOnOneDimensional ? ", noDecayOnOneDimensional" : "") + "]";
  }

  /** Options of {@link Sgd}; all optional, defaults as torch (plain SGD). */
  public static final class Builder {
    private float momentum;
    private float dampening;
    private boolean nesterov;
    private float weightDecay;
    private boolean noDecayOnOneDimensional;

    private Builder() {}

    public Builder optMomentum(double momentum) {
      this.momentum = (float) momentum;
      return this;
    }

    public Builder optDampening(double dampening) {
      this.dampening = (float) dampening;
      return this;
    }

    public Builder optNesterov(boolean nesterov) {
      this.nesterov = nesterov;
      return this;
    }

    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = (float) weightDecay;
      return this;
    }

    /** Exempts 1-D parameters (biases, BN gamma and beta) from weight decay; off by default, as in torch. */
    public Builder optNoDecayOnOneDimensional(boolean exempt) {
      this.noDecayOnOneDimensional = exempt;
      return this;
    }

    public Sgd build() {
      validate();
      return new Sgd(this);
    }

    private void validate() {
      if (!(momentum >= 0) || Float.isInfinite(momentum)) {
        throw new IllegalArgumentException("momentum: must be >= 0 and finite, got " + momentum);
      }
      if (!(dampening >= 0 && dampening <= 1)) {
        throw new IllegalArgumentException("dampening: must be in [0, 1], got " + dampening);
      }
      if (!(weightDecay >= 0) || Float.isInfinite(weightDecay)) {
        throw new IllegalArgumentException("weightDecay: must be >= 0 and finite, got " + weightDecay);
      }
      if (nesterov && (momentum == 0 || dampening != 0)) {
        throw new IllegalArgumentException("nesterov: requires momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
      }
    }
  }
}
