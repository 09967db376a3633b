package dev.topiary.pipeline.job;

import dev.topiary.engine.prune.select.ChannelConstraints;
import dev.topiary.engine.prune.select.CompressRateSelector;
import dev.topiary.engine.prune.select.ConfigListSelector;
import dev.topiary.engine.prune.select.CoupledRate;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.prune.select.GlobalRatioSelector;
import dev.topiary.engine.prune.select.Normalization;
import dev.topiary.engine.prune.select.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How much to cut and where. Exactly one method is given, among those of the granularity:
 * channel: {@code compressRate}, {@code configList}, {@code globalRatio}, {@code
 * targetFlopsReduction} (none for the stages and slimming schedules, which carry their own
 * targets); unstructured: {@code sparsityRules}, {@code globalSparsity} (none for stages; for
 * gradual {@code sparsityRules}, the per-layer final targets, or none); n:m: {@code nm}.
 * Immutable; null means not given.
 *
 * @param compressRate HRank expression, one rate per Conv in layer order, e.g. {@code [0.1]+[0.6]*35}
 * @param configList NNI-style entries; later entries override earlier ones
 * @param globalRatio fraction of all prunable channels removed, ranked globally, in (0, 1)
 * @param targetFlopsReduction fraction of the MACs to remove, in (0, 1)
 * @param sparsityRules per-layer magnitude sparsity, e.g. {@code Conv[1..2]=0.5; Conv[3..]=0.8; Gemm=0.99}
 * @param globalSparsity magnitude sparsity over all Conv and Gemm weights together, in (0, 1)
 * @param nm the N:M pattern, e.g. {@code 2:4}
 * @param roundTo channel counts kept are rounded to a multiple of this (channel); {@value #AUTO_ROUND_TO}
 *     (what a global channel target gets when the spec does not say): {@link #GLOBAL_ROUND_TO}, or
 *     the coarsest half of it that reaches a FLOPs target a small model's narrow layers would refuse
 * @param minChannels the fewest channels a group keeps (channel)
 * @param coupledRate how a group written by several convs gets its rate: first-producer, maximum, minimum
 * @param exclude nodes never pruned (channel): their groups are blocked
 * @param maxPruningRatio the largest fraction of one group's channels removed, in (0, 1] (channel);
 *     null: {@link ChannelConstraints#GLOBAL_MAX_PRUNING_RATIO} for a global target (globalRatio,
 *     targetFlopsReduction, the stages schedule), 1 (no cap) for per-layer rates
 * @param normalization how each group's scores are scaled before a global ranking: {@code max},
 *     {@code mean}, {@code l2} or {@code none}; null: {@link Normalization#GLOBAL_DEFAULT}
 */
public record SelectSpec(
    String compressRate, List<ConfigEntry> configList, Double globalRatio, Double targetFlopsReduction,
    String sparsityRules, Double globalSparsity, String nm,
    int roundTo, int minChannels, String coupledRate, List<String> exclude, Double maxPruningRatio, String normalization) {

  public static final List<String> CHANNEL_METHODS = List.of("compressRate", "configList", "globalRatio", "targetFlopsReduction");
  public static final List<String> UNSTRUCTURED_METHODS = List.of("sparsityRules", "globalSparsity");
  public static final List<String> NM_METHODS = List.of("nm");
  public static final String DEFAULT_COUPLED_RATE = "first-producer";
  public static final List<String> NORMALIZATIONS = Normalization.ids();
  /**
   * {@code roundTo} when a global channel target ({@code globalRatio}, {@code targetFlopsReduction})
   * does not say: {@link dev.topiary.engine.prune.select.ChannelConstraints#GLOBAL_ROUND_TO}, chosen
   * by measurement (BENCHMARKS.md, issue 18). Per-layer rates keep 1.
   */
  public static final int GLOBAL_ROUND_TO = dev.topiary.engine.prune.select.ChannelConstraints.GLOBAL_ROUND_TO;
  /** {@code roundTo} meaning "the default": {@link #GLOBAL_ROUND_TO}, with a fallback for a FLOPs target. */
  public static final int AUTO_ROUND_TO = 0;

  public SelectSpec {
    configList = Lists.copy(configList);
    exclude = Lists.copy(exclude);
  }

  /** The methods given, in the order of {@link #CHANNEL_METHODS}, then the unstructured and N:M ones. */
  public List<String> methodsGiven() {
    List<String> out = new ArrayList<>();
    Object[] values = {compressRate, configList, globalRatio, targetFlopsReduction, sparsityRules, globalSparsity, nm};
    List<String> names = new ArrayList<>(CHANNEL_METHODS);
    names.addAll(UNSTRUCTURED_METHODS);
    names.addAll(NM_METHODS);
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        out.add(names.get(i));
      }
    }
    return out;
  }

  /** The constraints of the method given: the cap's default is a global target's when one is given, else none. */
  public ChannelConstraints constraints() {
    return constraints(globalRatio != null || targetFlopsReduction != null);
  }

  /** The constraints of a global ranking (the stages schedule's cuts, which carry their own targets). */
  public ChannelConstraints globalConstraints() {
    return constraints(true);
  }

  private ChannelConstraints constraints(boolean global) {
    double cap = maxPruningRatio != null ? maxPruningRatio : global ? ChannelConstraints.GLOBAL_MAX_PRUNING_RATIO : 1.0;
    return new ChannelConstraints(roundsByDefault() ? GLOBAL_ROUND_TO : roundTo, minChannels, cap);
  }

  /** The normalisation of a global ranking: the one given, else {@link Normalization#GLOBAL_DEFAULT}. */
  public Normalization normalizationOrDefault() {
    return normalization == null ? Normalization.GLOBAL_DEFAULT : Normalization.of(normalization);
  }

  /** Whether {@code roundTo} is the default ({@value #AUTO_ROUND_TO}) rather than the user's. */
  public boolean roundsByDefault() {
    return roundTo == AUTO_ROUND_TO;
  }

  public CoupledRate coupledRateRule() {
    return CoupledRate.valueOf(coupledRate.toUpperCase(Locale.ROOT).replace('-', '_'));
  }

  public Set<String> excludedNodes() {
    return exclude == null ? Set.of() : new LinkedHashSet<>(exclude);
  }

  /**
   * The engine selector of the channel method given.
   *
   * @throws IllegalStateException when no channel method is given
   * @throws IllegalArgumentException (or the engine's InvalidPruningConfigException) on a bad value
   */
  public Selector channelSelector() {
    if (compressRate != null) {
      return CompressRateSelector.builder().setRates(compressRate).optCoupledRate(coupledRateRule()).optConstraints(constraints()).build();
    }
    if (configList != null) {
      return ConfigListSelector.builder().setConfigs(configList.stream().map(ConfigEntry::toPruneConfig).toList())
          .optCoupledRate(coupledRateRule()).optConstraints(constraints()).build();
    }
    if (globalRatio != null) {
      return GlobalRatioSelector.builder().setRatio(globalRatio).optConstraints(constraints())
          .optNormalization(normalizationOrDefault()).build();
    }
    if (targetFlopsReduction != null) {
      return FlopsTargetSelector.builder().setReduction(targetFlopsReduction).optConstraints(constraints())
          .optNormalization(normalizationOrDefault()).optRoundingFallback(roundsByDefault()).build();
    }
    throw new IllegalStateException("no channel selection method given");
  }

  /** N and M of {@link #nm}; call only on a validated spec. */
  public int[] nmPattern() {
    String[] parts = nm.split(":");
    return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
  }
}
