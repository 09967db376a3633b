package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.Graph;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Builds the graphs of well-known CNNs by name. Each architecture is defined once, in its own
 * class, with node names following the PyTorch module paths of the reference implementation
 * ({@code layer1.0.conv1}, {@code features.3.conv.1.0}, {@code model.2.m.0.cv1.conv}) so that
 * weights can be matched by name and users recognise the layers they prune. Stateless.
 *
 * <pre>{@code
 * Graph g = Zoo.build(ModelSpec.builder().setArch("resnet56").optShortcut(Shortcut.B).build());
 * }</pre>
 */
public final class Zoo {
  private static final List<String> NAMES =
      Arrays.stream(Architecture.values()).map(Architecture::id).toList();

  private Zoo() {}

  /** The architecture names, in listing order. */
  public static List<String> names() {
    return NAMES;
  }

  /** One line saying what an architecture is, its options and defaults. */
  public static String describe(String arch) {
    return architecture(arch).description();
  }

  /** The options an architecture uses; setting any other in a {@link ModelSpec} is rejected. */
  public static Set<ModelSpec.Option> options(String arch) {
    return architecture(arch).options();
  }

  /**
   * The graph of an architecture with every option at its default.
   *
   * @throws IllegalArgumentException when the name is unknown, listing the valid ones
   */
  public static Graph build(String arch) {
    return build(ModelSpec.of(arch));
  }

  /**
   * The graph a spec describes; the graph is named after the architecture.
   *
   * @throws IllegalArgumentException when an option does not suit the architecture (e.g. a YOLO
   *     input that is not a multiple of 32)
   * @throws dev.topiary.engine.InvalidModelException when the input is too small for the network,
   *     naming the node where the feature map vanishes
   */
  public static Graph build(ModelSpec spec) {
    return architecture(spec.arch()).build(spec);
  }

  static Architecture architecture(String name) {
    for (Architecture a : Architecture.values()) {
      if (a.id().equals(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("arch '" + name + "' is unknown; valid: " + String.join(", ", NAMES));
  }
}
