package dev.topiary.engine.prune.select;

/**
 * How a group's scores are scaled before units of all groups are ranked together, so that a layer
 * whose criterion happens to produce large numbers does not keep all its units (Torch-Pruning's and
 * NNI's global pruning normalise per group in the same spirit). Each is a division by a positive
 * number, so the order of units inside a group never changes. A group whose divisor is zero keeps
 * its raw scores.
 */
public enum Normalization {
  /** Divide by the largest absolute score of the group: the most important unit scores 1. */
  MAX,
  /** Divide by the mean absolute score of the group. */
  MEAN,
  /** Divide by the L2 norm of the group's scores. */
  L2,
  /** Rank raw scores (only sensible when every group's scores share a scale). */
  NONE;

  /**
   * The normalisation of a global ranking when none is chosen (CLI {@code --normalization}, job
   * spec {@code prune.select.normalization}).
   */
  public static final Normalization GLOBAL_DEFAULT = MAX;

  /** The names users write: max, mean, l2, none. */
  public static java.util.List<String> ids() {
    return java.util.Arrays.stream(values()).map(n -> n.name().toLowerCase(java.util.Locale.ROOT)).toList();
  }

  /** @throws IllegalArgumentException naming the valid names */
  public static Normalization of(String id) {
    if (!ids().contains(id)) {
      throw new IllegalArgumentException("unknown '" + id + "'; valid: " + String.join(", ", ids()));
    }
    return valueOf(id.toUpperCase(java.util.Locale.ROOT));
  }

  /** The normalised scores, in double so that distinct floats stay distinct. */
  double[] apply(float[] scores) {
    double divisor = switch (this) {
      case MAX -> {
        double m = 0;
        for (float s : scores) {
          m = Math.max(m, Math.abs(s));
        }
        yield m;
      }
      case MEAN -> {
        double sum = 0;
        for (float s : scores) {
          sum += Math.abs(s);
        }
        yield scores.length == 0 ? 0 : sum / scores.length;
      }
      case L2 -> {
        double sum = 0;
        for (float s : scores) {
          sum += (double) s * s;
        }
        yield Math.sqrt(sum);
      }
      case NONE -> 1;
    };
    if (divisor == 0) {
      divisor = 1;
    }
    double[] out = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = scores[i] / divisor;
    }
    return out;
  }
}
