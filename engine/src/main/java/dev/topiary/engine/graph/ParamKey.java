package dev.topiary.engine.graph;

import java.util.Objects;

/** Identifies one parameter tensor: the node that owns it and its role there. */
public record ParamKey(String node, ParamRole role) implements Comparable<ParamKey> {
  public ParamKey {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(role, "role");
  }

  /** The tensor name in weight files, {@code <node>.<role key>}. */
  public String tensorName() {
    return node + "." + role.key();
  }

  /**
   * Parses a tensor name written by {@link #tensorName()}; the role is the part after the last
   * dot, so node names may contain dots. Returns null when the suffix is not a known role.
   */
  public static ParamKey parse(String tensorName) {
    int dot = tensorName.lastIndexOf('.');
    if (dot <= 0) {
      return null;
    }
    ParamRole role = ParamRole.fromKey(tensorName.substring(dot + 1));
    return role == null ? null : new ParamKey(tensorName.substring(0, dot), role);
  }

  @Override
  public int compareTo(ParamKey o) {
    int c = node.compareTo(o.node);
    return c != 0 ? c : role.compareTo(o.role);
  }

  @Override
  public String toString() {
    return tensorName();
  }
}
