package dev.topiary.engine.graph;

/**
 * The role a parameter tensor plays in its node. The {@link #key()} is the suffix used in
 * safetensors tensor names: {@code <node>.<key>}, e.g. {@code conv1.weight}, {@code bn1.running_mean}.
 */
public enum ParamRole {
  WEIGHT("weight", true),
  BIAS("bias", true),
  GAMMA("gamma", true),
  BETA("beta", true),
  RUNNING_MEAN("running_mean", false),
  RUNNING_VAR("running_var", false),
  /** The tensor of a {@link Constant} node: a buffer, like the running statistics. */
  VALUE("value", false);

  private final String key;
  private final boolean learnable;

  ParamRole(String key, boolean learnable) {
    this.key = key;
    this.learnable = learnable;
  }

  /** The name suffix in weight files. */
  public String key() {
    return key;
  }

  /** Whether the optimizer trains it; BN running statistics are buffers, not learnable. */
  public boolean learnable() {
    return learnable;
  }

  /** Parses a suffix written by {@link #key()}; null when it is not one. */
  public static ParamRole fromKey(String key) {
    for (ParamRole r : values()) {
      if (r.key.equals(key)) {
        return r;
      }
    }
    return null;
  }
}
