package dev.topiary.engine.cli;

import dev.topiary.engine.prune.select.ChannelConstraints;
import dev.topiary.engine.prune.select.CompressRateSelector;
import dev.topiary.engine.prune.select.ConfigListSelector;
import dev.topiary.engine.prune.select.FlopsTargetSelector;
import dev.topiary.engine.prune.select.GlobalRatioSelector;
import dev.topiary.engine.prune.select.Normalization;
import dev.topiary.engine.prune.select.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How channel pruning chooses what to remove: one of four selectors, with the channel constraints they share. */
final class SelectionOptions {
  static final List<String> NAMES = List.of("--compress-rate", "--config-list", "--global-ratio", "--target-flops");

  @Option(names = "--compress-rate", description = "HRank rates, one per Conv in layer order, e.g. \"[0.1]+[0.6]*35+[0.0]*2\"")
  String compressRate;

  @Option(names = "--config-list", description = "NNI-style config list (JSON array of {opTypes, opNames, opNamePatterns, sparsity, exclude})")
  Path configList;

  @Option(names = "--global-ratio", description = "fraction of all prunable channels removed, ranked globally")
  Double globalRatio;

  @Option(names = "--target-flops", description = "fraction of the MACs to remove, e.g. 0.5")
  Double targetFlops;

  @Option(names = "--round-to", description = "round kept channel counts to a multiple of this (default: "
      + ChannelConstraints.GLOBAL_ROUND_TO + " with --global-ratio or --target-flops, where the engine chooses the counts; 1 with"
      + " --compress-rate or --config-list, whose rates are the user's)")
  Integer roundToOption;

  /** The rounding in effect: as given, else {@link ChannelConstraints#GLOBAL_ROUND_TO} for a global target, else 1. */
  int roundTo() {
    if (roundToOption != null) {
      return roundToOption;
    }
    return globalRatio != null || targetFlops != null ? ChannelConstraints.GLOBAL_ROUND_TO : 1;
  }

  @Option(names = "--min-channels", defaultValue = "1", description = "fewest channels a group keeps (default ${DEFAULT-VALUE})")
  int minChannels;

  @Option(names = "--max-pruning-ratio", description = "largest fraction of a group's channels removed, in (0, 1] (default: "
      + ChannelConstraints.GLOBAL_MAX_PRUNING_RATIO + " with --global-ratio or --target-flops; 1 with per-layer rates)")
  Double maxPruningRatioOption;

  @Option(names = "--normalization", description = "how each group's scores are scaled before a global ranking: max, mean, l2"
      + " or none (default: ${DEFAULT-VALUE})")
  String normalization = Normalization.GLOBAL_DEFAULT.name().toLowerCase(java.util.Locale.ROOT);

  /** The cap in effect: as given, else {@link ChannelConstraints#GLOBAL_MAX_PRUNING_RATIO} for a global target, else 1. */
  double maxPruningRatio() {
    if (maxPruningRatioOption != null) {
      return maxPruningRatioOption;
    }
    return globalRatio != null || targetFlops != null ? ChannelConstraints.GLOBAL_MAX_PRUNING_RATIO : 1.0;
  }

  Normalization normalization() {
    try {
      return Normalization.of(normalization);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--normalization: " + e.getMessage());
    }
  }


  /** The selection options given, by name. */
  List<String> given() {
    List<String> g = new ArrayList<>();
    if (compressRate != null) {
      g.add("--compress-rate");
    }
    if (configList != null) {
      g.add("--config-list");
    }
    if (globalRatio != null) {
      g.add("--global-ratio");
    }
    if (targetFlops != null) {
      g.add("--target-flops");
    }
    return g;
  }

  /** The selector of the one selection option given; call {@link #requireOne} first. */
  Selector selector() {
    if (compressRate != null) {
      return CompressRateSelector.builder().setRates(compressRate).optRoundTo(roundTo()).optMinChannels(minChannels)
          .optMaxPruningRatio(maxPruningRatio()).build();
    }
    if (configList != null) {
      return ConfigListSelector.builder().setConfigs(ConfigListJson.read(configList)).optRoundTo(roundTo()).optMinChannels(minChannels)
          .optMaxPruningRatio(maxPruningRatio()).build();
    }
    if (globalRatio != null) {
      return GlobalRatioSelector.builder().setRatio(globalRatio).optRoundTo(roundTo()).optMinChannels(minChannels)
          .optMaxPruningRatio(maxPruningRatio()).optNormalization(normalization()).build();
    }
    if (targetFlops != null) {
      return FlopsTargetSelector.builder().setReduction(targetFlops).optRoundTo(roundTo()).optMinChannels(minChannels)
          .optMaxPruningRatio(maxPruningRatio()).optNormalization(normalization()).optRoundingFallback(roundToOption == null).build();
    }
    throw new IllegalStateException("no selection option given");
  }

  /**
   * Checks that exactly one of the choices was given.
   *
   * @throws IllegalArgumentException listing the choices, and the ones given when there are several
   */
  static void requireOne(List<String> choices, List<String> given) {
    if (given.size() == 1) {
      return;
    }
    throw new IllegalArgumentException("give exactly one of " + String.join(", ", choices)
        + (given.isEmpty() ? "" : "; got " + String.join(" and ", given)));
  }
}
