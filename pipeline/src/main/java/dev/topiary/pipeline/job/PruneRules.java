package dev.topiary.pipeline.job;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.prune.importance.Importances;
import dev.topiary.engine.prune.select.CompressRates;
import dev.topiary.engine.prune.sparse.SparsityRules;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prune section's rules: which selection methods each granularity and schedule takes (exactly
 * one of them, or none where the schedule carries its own target), the criterion, and each
 * method's value. Checks that need the graph are in {@link GraphChecks}.
 */
final class PruneRules {
  private static final Pattern NM = Pattern.compile("\\s*(\\d{1,4})\\s*:\\s*(\\d{1,4})\\s*");
  private static final List<String> COUPLED_RATES = List.of("first-producer", "maximum", "minimum");
  /** Modes whose selection method may be left out: the schedule has a target of its own. */
  private static final List<ScheduleMode> OPTIONAL = List.of(ScheduleMode.GRADUAL);

  private PruneRules() {}

  static void check(PruneSpec prune, ScheduleSpec schedule, Problems p) {
    if (prune == null) {
      if (schedule == null || schedule.mode() != ScheduleMode.FINETUNE) {
        p.add("prune", "required: granularity, criterion and select");
      }
      return;
    }
    Granularity g = prune.granularity();
    ScheduleMode mode = schedule == null ? null : schedule.mode();
    boolean fits = g == null || mode == null || mode.granularities().contains(g);
    if (!fits) {
      p.add("schedule.mode", mode.id() + " needs granularity " + String.join(" or ", mode.granularities().stream().map(Granularity::id).toList())
          + "; prune.granularity is " + g.id());
    }
    criterion(prune.criterion(), g, mode, p);
    Checks.atLeast(prune.rankBatches(), 1, "prune.rankBatches", p);
    if (prune.select() == null) {
      p.add("prune.select", "required");
    } else if (g != null) {
      if (fits) { // else which methods apply is moot until the mode or the granularity changes
        methods(prune.select(), g, mode, p);
        plannerPicks(prune.select(), mode, p);
      }
      values(prune.select(), g, p);
      if (schedule instanceof ScheduleSpec.Gradual gr && prune.select().sparsityRules() != null && gr.targetSparsity() != null
          && gr.targetSparsity() == 0) {
        p.add("schedule.targetSparsity", "must be > 0 with prune.select.sparsityRules: each layer rises to its rule's target along the "
            + "curve up to targetSparsity, and a curve that stays at 0 prunes nothing");
      }
    }
  }

  private static void criterion(String c, Granularity g, ScheduleMode mode, Problems p) {
    if (c == null) {
      return;
    }
    if (g != null && g != Granularity.CHANNEL) {
      p.add("prune.criterion", "applies to channel pruning only; granularity " + g.id() + " prunes by weight magnitude");
    } else if (mode == ScheduleMode.SLIMMING) {
      p.add("prune.criterion", "not used by mode slimming, which ranks channels by BatchNorm gamma");
    } else if (mode == ScheduleMode.FINETUNE) {
      p.add("prune.criterion", "not used by mode finetune, which cuts nothing: the replayed history (model.replay) is the cut");
    } else if (!Importances.names().contains(c)) {
      p.add("prune.criterion", "unknown criterion '" + c + "'; valid: " + String.join(", ", Importances.names()));
    }
  }

  /**
   * The methods a granularity and schedule take; empty when the schedule carries its own target.
   * Gradual takes {@code sparsityRules} optionally ({@link #OPTIONAL}): per-layer final targets.
   */
  static List<String> allowedMethods(Granularity g, ScheduleMode mode) {
    if (mode == ScheduleMode.GRADUAL) {
      return List.of("sparsityRules");
    }
    if (mode == ScheduleMode.STAGES || mode == ScheduleMode.SLIMMING || mode == ScheduleMode.SENSITIVITY || mode == ScheduleMode.FINETUNE) {
      return List.of();
    }
    return switch (g) {
      case CHANNEL -> SelectSpec.CHANNEL_METHODS;
      case UNSTRUCTURED -> SelectSpec.UNSTRUCTURED_METHODS;
      case NM -> SelectSpec.NM_METHODS;
    };
  }

  private static void methods(SelectSpec s, Granularity g, ScheduleMode mode, Problems p) {
    List<String> allowed = allowedMethods(g, mode);
    List<String> usable = new ArrayList<>();
    for (String m : s.methodsGiven()) {
      Granularity owner = owner(m);
      if (owner != g) {
        p.add("prune.select." + m, "applies to granularity " + owner.id() + ", not " + g.id());
      } else if (!allowed.contains(m)) {
        p.add("prune.select." + m, "not used by mode " + mode.id() + ": " + ownTarget(mode, g));
      } else {
        usable.add(m);
      }
    }
    if (mode != null && OPTIONAL.contains(mode) && usable.size() <= 1) {
      return;
    }
    if (allowed.size() == 1 && usable.isEmpty()) {
      p.add("prune.select." + allowed.get(0), "required for granularity " + g.id() + ", e.g. \"2:4\"");
    } else if (!allowed.isEmpty() && usable.size() != 1) {
      p.add("prune.select", "give exactly one of " + String.join(", ", allowed) + (usable.size() > 1 ? "; got " + String.join(" and ", usable) : ""));
    } else if (mode == ScheduleMode.LAYERWISE && usable.size() == 1 && !List.of("compressRate", "configList").contains(usable.get(0))) {
      p.add("prune.select." + usable.get(0), "mode layerwise needs per-layer rates: compressRate or configList "
          + "(a global ratio or FLOPs target decides per group only after ranking)");
    }
  }

  /** Sensitivity's planner picks each group's count from the curves of every prunable group: no constraint applies. */
  private static void plannerPicks(SelectSpec s, ScheduleMode mode, Problems p) {
    if (mode != ScheduleMode.SENSITIVITY && mode != ScheduleMode.FINETUNE) {
      return;
    }
    String why = "not used by mode " + mode.id() + (mode == ScheduleMode.SENSITIVITY
        ? ": the analysis probes every prunable group and its planner picks each group's count" : ": it cuts nothing");
    if (s.roundTo() != 1 && !(s.roundsByDefault() && !s.methodsGiven().isEmpty())) { // a method's default: said at the method
      p.add("prune.select.roundTo", why);
    }
    if (s.minChannels() != 1) {
      p.add("prune.select.minChannels", why);
    }
    if (s.exclude() != null && !s.exclude().isEmpty()) {
      p.add("prune.select.exclude", why);
    }
  }

  private static Granularity owner(String method) {
    if (SelectSpec.CHANNEL_METHODS.contains(method)) {
      return Granularity.CHANNEL;
    }
    return SelectSpec.UNSTRUCTURED_METHODS.contains(method) ? Granularity.UNSTRUCTURED : Granularity.NM;
  }

  private static String ownTarget(ScheduleMode mode, Granularity g) {
    return switch (mode) {
      case STAGES -> "each stage's target is in schedule." + (g == Granularity.UNSTRUCTURED ? "sparsities" : "flopsReductions");
      case SLIMMING -> "schedule.percent sets the cut";
      case GRADUAL -> "schedule.targetSparsity sets the sparsity, prune.select.sparsityRules per layer";
      case SENSITIVITY -> "schedule.targetFlopsReduction and maxAccuracyDrop set the cut, per group from the analysis";
      case FINETUNE -> "it cuts nothing: the replayed history (model.replay) is the cut";
      default -> "it takes no selection method";
    };
  }

  private static void values(SelectSpec s, Granularity g, Problems p) {
    if (s.compressRate() != null) {
      try {
        CompressRates.parse(s.compressRate());
      } catch (TopiaryException e) {
        p.add("prune.select.compressRate", e.getMessage());
      }
    }
    if (s.configList() != null) {
      configList(s.configList(), p);
    }
    optionalOpenUnit(s.globalRatio(), "prune.select.globalRatio", p);
    optionalOpenUnit(s.targetFlopsReduction(), "prune.select.targetFlopsReduction", p);
    optionalOpenUnit(s.globalSparsity(), "prune.select.globalSparsity", p);
    if (s.sparsityRules() != null) {
      try {
        SparsityRules.parse(s.sparsityRules());
      } catch (TopiaryException | IllegalArgumentException e) {
        p.add("prune.select.sparsityRules", e.getMessage());
      }
    }
    if (s.nm() != null) {
      Matcher m = NM.matcher(s.nm());
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
        p.add("prune.select.nm", "expected N:M with 1 <= N < M, like \"2:4\"; got '" + s.nm() + "'");
      }
    }
    Checks.atLeast(s.roundTo(), SelectSpec.AUTO_ROUND_TO, "prune.select.roundTo", p);
    Checks.atLeast(s.minChannels(), 1, "prune.select.minChannels", p);
    if (s.maxPruningRatio() != null && !(s.maxPruningRatio() > 0 && s.maxPruningRatio() <= 1)) {
      p.add("prune.select.maxPruningRatio", "must be in (0, 1] (the largest fraction of one group's channels removed), got "
          + s.maxPruningRatio());
    }
    if (s.normalization() != null && !SelectSpec.NORMALIZATIONS.contains(s.normalization())) {
      p.add("prune.select.normalization", "expected one of " + String.join(", ", SelectSpec.NORMALIZATIONS) + ", got '"
          + s.normalization() + "'");
    }
    if (!COUPLED_RATES.contains(s.coupledRate())) {
      p.add("prune.select.coupledRate", "expected one of " + String.join(", ", COUPLED_RATES) + ", got '" + s.coupledRate() + "'");
    }
    for (int i = 0; s.exclude() != null && i < s.exclude().size(); i++) {
      if (s.exclude().get(i) == null || s.exclude().get(i).isBlank()) {
        p.add("prune.select.exclude[" + i + "]", "must be a node name");
      }
    }
    if (g != Granularity.CHANNEL) {
      channelOnly(s.roundTo() > 1, "roundTo", g, p);
      channelOnly(s.minChannels() != 1, "minChannels", g, p);
      channelOnly(!SelectSpec.DEFAULT_COUPLED_RATE.equals(s.coupledRate()), "coupledRate", g, p);
      channelOnly(s.exclude() != null && !s.exclude().isEmpty(), "exclude", g, p);
      channelOnly(s.maxPruningRatio() != null, "maxPruningRatio", g, p);
      channelOnly(s.normalization() != null, "normalization", g, p);
    }
  }

  private static void channelOnly(boolean given, String field, Granularity g, Problems p) {
    if (given) {
      p.add("prune.select." + field, "applies to granularity channel only, not " + g.id());
    }
  }

  private static void optionalOpenUnit(Double v, String path, Problems p) {
    if (v != null) {
      Checks.openUnit(v, path, p);
    }
  }

  private static void configList(List<ConfigEntry> list, Problems p) {
    if (list.isEmpty()) {
      p.add("prune.select.configList", "must have at least one entry");
    }
    for (int i = 0; i < list.size(); i++) {
      ConfigEntry e = list.get(i);
      String at = "prune.select.configList[" + i + "]";
      boolean ok = true;
      for (int t = 0; e.opTypes() != null && t < e.opTypes().size(); t++) {
        if (dev.topiary.engine.prune.select.PruneConfig.prunableType(e.opTypes().get(t)) == null) {
          p.add(at + ".opTypes[" + t + "]", "expected Conv or Gemm (the prunable op types; NNI's Conv2d and Linear also work), got '"
              + e.opTypes().get(t) + "'");
          ok = false;
        }
      }
      if (e.sparsity() != null && !(e.sparsity() >= 0 && e.sparsity() < 1)) {
        p.add(at + ".sparsity", "must be in [0, 1): 1 would remove every filter, got " + e.sparsity());
        ok = false;
      }
      if (ok) {
        try {
          e.toPruneConfig();
        } catch (IllegalArgumentException ex) {
          p.add(at, ex.getMessage());
        }
      }
    }
  }
}
