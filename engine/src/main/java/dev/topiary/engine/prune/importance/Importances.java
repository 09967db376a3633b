package dev.topiary.engine.prune.importance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/** Creates a criterion by name, with its default options. */
public final class Importances {
  private static final Map<String, LongFunction<Importance>> BY_NAME = new LinkedHashMap<>();

  static {
    BY_NAME.put("l1", seed -> new MagnitudeImportance(MagnitudeImportance.Norm.L1));
    BY_NAME.put("l2", seed -> new MagnitudeImportance(MagnitudeImportance.Norm.L2));
    BY_NAME.put("bn-scale", seed -> new BnScaleImportance());
    BY_NAME.put("hrank", seed -> new HRankImportance());
    BY_NAME.put("taylor", seed -> new TaylorImportance());
    BY_NAME.put("apoz", seed -> new ApozImportance());
    BY_NAME.put("random", RandomImportance::new);
  }

  private Importances() {}

  /** The valid names, in a fixed order. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /** The criterion with this name; "random" is seeded with 0. */
  public static Importance byName(String name) {
    return byName(name, 0);
  }

  /**
   * The criterion with this name.
   *
   * @param seed the seed of "random"; ignored by the others
   * @throws IllegalArgumentException when the name is unknown, listing the valid ones
   */
  public static Importance byName(String name, long seed) {
    LongFunction<Importance> f = name == null ? null : BY_NAME.get(name);
    if (f == null) {
      throw new IllegalArgumentException("criterion: unknown name '" + name + "'; valid: " + String.join(", ", BY_NAME.keySet()));
    }
    return f.apply(seed);
  }
}
