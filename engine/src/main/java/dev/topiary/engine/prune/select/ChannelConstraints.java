package dev.topiary.engine.prune.select;

/**
 * Limits on the channels a group keeps, applied by every selector after it has decided how many
 * units it would like to keep.
 *
 * <ul>
 *   <li>{@code minChannels}: a group keeps at least this many (or all its units when it has fewer).
 *   <li>{@code roundTo}: the kept count is rounded to the nearest multiple of it (ties upward, so
 *       the layer keeps more) among the multiples in {@code [minChannels, units]}; Tensor Cores
 *       want channel counts that are multiples of 8 (FP16) or 16 (INT8), 64 being best (NVIDIA's
 *       TensorRT pruning advice). When no multiple lies in that range (a layer narrower than
 *       {@code roundTo}), the count stays unrounded.
 *   <li>{@code maxPruningRatio}: a group loses at most this fraction of its units, {@code
 *       floor(units * maxPruningRatio)} (Torch-Pruning's {@code max_pruning_ratio}), so a global
 *       ranking cannot cripple one layer for little gain; 1 is no cap. The cap raises the floor, so
 *       rounding never goes below it.
 * </ul>
 *
 * A group the selector leaves whole stays whole: rounding never prunes an untouched layer. The
 * result is non-decreasing in the wanted count, which the FLOPs-target search relies on.
 */
public record ChannelConstraints(int roundTo, int minChannels, double maxPruningRatio) {
  /**
   * The rounding where the engine picks each group's kept count from a global target (global
   * ratio, FLOPs target): 16. It is the channel block of oneDNN's AVX-512 convolutions; a conv whose
   * channels leave a partial block runs only in channels-last order
   * ({@code CpuConvRoutes.tailFree}) and odd counts run oneDNN's slow paths, so on the 2-core AVX-512
   * VM a model pruned by L1 to -50% MACs trained at 1.2x to 1.9x its original's images/s rounded to
   * 16, against 0.9x to 1.1x rounded to 8 and 0.4x to 0.9x unrounded (BENCHMARKS.md, "Pruned model
   * speed"). It is also TensorRT's advice for INT8 (8 for FP16). Per-layer rates keep 1, as written.
   */
  public static final int GLOBAL_ROUND_TO = 16;

  /**
   * The cap on the fraction removed from one group where the engine picks each group's kept count
   * from a global target (global ratio, FLOPs target). Per-layer rates keep 1 (no cap), as written.
   */
  public static final double GLOBAL_MAX_PRUNING_RATIO = 1.0;

  /** No rounding, at least one channel kept. */
  public static final ChannelConstraints DEFAULT = new ChannelConstraints(1, 1);

  /** No cap on the fraction removed from a group. */
  public ChannelConstraints(int roundTo, int minChannels) {
    this(roundTo, minChannels, 1.0);
  }

  public ChannelConstraints {
    if (roundTo < 1) {
      throw new IllegalArgumentException("roundTo must be at least 1, got " + roundTo);
    }
    if (minChannels < 1) {
      throw new IllegalArgumentException("minChannels must be at least 1, got " + minChannels);
    }
    if (!(maxPruningRatio > 0 && maxPruningRatio <= 1)) {
      throw new IllegalArgumentException("maxPruningRatio must be in (0, 1], got " + maxPruningRatio);
    }
  }

  /** These constraints with another rounding. */
  public ChannelConstraints withRoundTo(int multiple) {
    return new ChannelConstraints(multiple, minChannels, maxPruningRatio);
  }

  /**
   * The fewest units a group of this size may keep: {@code min(minChannels, units)}, and at least
   * what the cap leaves, {@code units - floor(units * maxPruningRatio)}.
   */
  public int floor(int units) {
    int capped = units - (int) Math.floor(units * maxPruningRatio + 1e-9);
    return Math.max(Math.min(minChannels, units), capped);
  }

  /** The count a group of {@code units} keeps when a selector wanted to keep {@code wanted}. */
  public int kept(int units, int wanted) {
    if (wanted >= units) {
      return units;
    }
    int floor = floor(units);
    int k = Math.max(wanted, floor);
    if (roundTo == 1 || k >= units) {
      return k;
    }
    int lowest = (floor + roundTo - 1) / roundTo * roundTo;
    int highest = units / roundTo * roundTo;
    if (lowest > highest) {
      return k;
    }
    int nearest = (k + roundTo / 2) / roundTo * roundTo;
    return Math.max(lowest, Math.min(highest, nearest));
  }
}
