package dev.topiary.pipeline.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.topiary.pipeline.store.ArtifactRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a spec's JSON tree into records: which fields exist, their types, defaults. Unknown fields
 * and wrong types are problems; values are checked by {@link JobSpecValidator}. A section that
 * cannot be read becomes null and reading goes on, so one pass finds every problem.
 */
final class JobSpecReader {
  static final List<String> TOP = List.of("version", "name", "seed", "task", "model", "baseline", "dataset", "prune", "schedule", "eval");
  static final List<String> MODEL = List.of("zoo", "numClasses", "inputShape", "widthMultiplier", "shortcut", "cifar", "graph", "weights", "onnx", "replay");
  static final List<String> REPLAY = List.of("graph", "history");
  static final List<String> ARTIFACT = List.of("bucket", "key", "sha256", "size");
  static final List<String> FIT = List.of("epochs", "optimizer", "lrSchedule", "nominalBatch", "warmupEpochs", "minWarmupIterations");
  static final List<String> OPTIMIZER = List.of("type", "lr", "momentum", "weightDecay", "nesterov");
  static final List<String> LR_SCHEDULE = List.of("type", "milestones", "gamma");
  static final List<String> DATASET = List.of("kind", "uri", "trainLimit", "testLimit", "batchSize", "fit", "augment",
      "mean", "std", "valFraction", "workers", "prefetch", "train", "val", "size", "seed", "maxObjects", "mosaic");
  static final List<String> PRUNE = List.of("granularity", "criterion", "rankBatches", "select");
  static final List<String> SELECT = List.of("compressRate", "configList", "globalRatio", "targetFlopsReduction", "sparsityRules",
      "globalSparsity", "nm", "roundTo", "minChannels", "coupledRate", "exclude", "maxPruningRatio", "normalization");
  static final List<String> CONFIG_ENTRY = List.of("opTypes", "opNames", "opNamePatterns", "sparsity", "exclude");
  static final List<String> EVAL = List.of("batchSizes", "devices");
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** The defaults that differ by task: a detection job's are YOLOv5's. */
  private record Defaults(OptimizerSpec optimizer, LrScheduleSpec lrSchedule, int batchSize) {
    static final Defaults CLASSIFICATION = new Defaults(OptimizerSpec.DEFAULT, LrScheduleSpec.DEFAULT, DatasetSpec.DEFAULT_BATCH_SIZE);
    static final Defaults DETECTION = new Defaults(OptimizerSpec.DETECTION_DEFAULT, LrScheduleSpec.DETECTION_DEFAULT,
        DatasetSpec.DEFAULT_DETECTION_BATCH_SIZE);
  }

  private JobSpecReader() {}

  static JobSpec read(JsonNode root, Problems problems) {
    SpecNode r = new SpecNode(root, "", problems);
    r.only(TOP);
    String task = r.string("task");
    Defaults d = JobSpec.DETECTION.equals(task) ? Defaults.DETECTION : Defaults.CLASSIFICATION;
    return new JobSpec(
        or(r.integer("version"), JobSpecs.VERSION), r.string("name"), or(r.longInteger("seed"), 0L),
        model(r.object("model")), fit(r.object("baseline"), d), dataset(r.object("dataset"), d), prune(r.object("prune")),
        schedule(r.object("schedule"), d), eval(r.object("eval")), task);
  }

  private static ModelSource model(SpecNode n) {
    if (n == null) {
      return null;
    }
    n.only(MODEL);
    return new ModelSource(n.string("zoo"), n.integer("numClasses"), n.integers("inputShape"), n.number("widthMultiplier"),
        n.string("shortcut"), n.bool("cifar"), artifact(n.object("graph")), artifact(n.object("weights")),
        artifact(n.object("onnx")), replay(n.object("replay")));
  }

  /** A history to replay: both parts required; null when absent or unreadable (problems added). */
  private static ModelSource.Replay replay(SpecNode n) {
    if (n == null) {
      return null;
    }
    n.only(REPLAY);
    ArtifactRef graph = artifact(n.object("graph"));
    ArtifactRef history = artifact(n.object("history"));
    for (String f : REPLAY) {
      if (!n.has(f)) {
        n.problems().add(n.path(f), "required: the pruned model's " + (f.equals("graph") ? "graph.json" : "history.json")
            + " (an upload's or another job's model artifact)");
      }
    }
    return graph == null || history == null ? null : new ModelSource.Replay(graph, history);
  }

  /** A stored artifact; checked here, since the record refuses bad values. */
  private static ArtifactRef artifact(SpecNode n) {
    if (n == null) {
      return null;
    }
    n.only(ARTIFACT);
    String bucket = n.string("bucket");
    String key = n.string("key");
    String sha = n.string("sha256");
    Long size = n.longInteger("size");
    Problems p = n.problems();
    for (String f : ARTIFACT) {
      if (!n.has(f)) {
        p.add(n.path(f), "required");
      }
    }
    if (bucket != null && bucket.isBlank()) {
      p.add(n.path("bucket"), "must not be blank");
    }
    String keyProblem = key == null ? null : Names.checkKey(key);
    if (keyProblem != null) {
      p.add(n.path("key"), keyProblem);
    }
    if (sha != null && !HEX64.matcher(sha).matches()) {
      p.add(n.path("sha256"), "expected 64 lower-case hex digits, got '" + sha + "'");
    }
    if (size != null && size < 0) {
      p.add(n.path("size"), "must be >= 0, got " + size);
    }
    return p.hasUnder(n.path()) ? null : new ArtifactRef(bucket, key, sha, size);
  }

  private static FitSpec fit(SpecNode n, Defaults d) {
    if (n == null) {
      return null;
    }
    n.only(FIT);
    return new FitSpec(n.integer("epochs"), optimizer(n.object("optimizer"), d.optimizer()), lrSchedule(n.object("lrSchedule"), d.lrSchedule()),
        n.integer("nominalBatch"), n.number("warmupEpochs"), n.integer("minWarmupIterations"));
  }

  private static OptimizerSpec optimizer(SpecNode n, OptimizerSpec d) {
    if (n == null) {
      return d;
    }
    n.only(OPTIMIZER);
    return new OptimizerSpec(or(n.string("type"), d.type()), or(n.number("lr"), d.lr()), or(n.number("momentum"), d.momentum()),
        or(n.number("weightDecay"), d.weightDecay()), or(n.bool("nesterov"), d.nesterov()));
  }

  private static LrScheduleSpec lrSchedule(SpecNode n, LrScheduleSpec d) {
    if (n == null) {
      return d;
    }
    n.only(LR_SCHEDULE);
    String type = or(n.string("type"), d.type());
    Double gamma = n.number("gamma");
    return new LrScheduleSpec(type, n.integers("milestones"), gamma == null && "multistep".equals(type) ? Double.valueOf(0.1) : gamma);
  }

  private static DatasetSpec dataset(SpecNode n, Defaults d) {
    if (n == null) {
      return null;
    }
    n.only(DATASET);
    return new DatasetSpec(n.string("kind"), n.string("uri"), or(n.integer("trainLimit"), 0), or(n.integer("testLimit"), 0),
        or(n.integer("batchSize"), d.batchSize()), or(n.string("fit"), "pad"), or(n.bool("augment"), false),
        n.numbers("mean"), n.numbers("std"), n.number("valFraction"), n.integer("workers"), n.integer("prefetch"),
        n.integer("train"), n.integer("val"), n.integer("size"), n.longInteger("seed"), n.integer("maxObjects"),
        n.number("mosaic"));
  }

  private static PruneSpec prune(SpecNode n) {
    if (n == null) {
      return null;
    }
    n.only(PRUNE);
    Granularity g = Granularity.CHANNEL;
    String gran = n.string("granularity");
    if (gran != null) {
      try {
        g = Granularity.of(gran);
      } catch (IllegalArgumentException e) {
        n.problems().add(n.path("granularity"), e.getMessage());
        g = null;
      }
    }
    return new PruneSpec(g, n.string("criterion"), or(n.integer("rankBatches"), 5), select(n.object("select")));
  }

  private static SelectSpec select(SpecNode n) {
    if (n == null) {
      return new SelectSpec(null, null, null, null, null, null, null, 1, 1, SelectSpec.DEFAULT_COUPLED_RATE, List.of(), null, null);
    }
    n.only(SELECT);
    List<ConfigEntry> entries = null;
    List<SpecNode> list = n.objects("configList");
    if (list != null) {
      entries = new ArrayList<>();
      for (SpecNode e : list) {
        e.only(CONFIG_ENTRY);
        entries.add(new ConfigEntry(e.strings("opTypes"), e.strings("opNames"), e.strings("opNamePatterns"), e.number("sparsity"),
            or(e.bool("exclude"), false)));
      }
    }
    List<String> exclude = n.strings("exclude");
    return new SelectSpec(compressRate(n), entries, n.number("globalRatio"), n.number("targetFlopsReduction"),
        n.string("sparsityRules"), n.number("globalSparsity"), nm(n), or(n.integer("roundTo"), defaultRoundTo(n)), or(n.integer("minChannels"), 1),
        or(n.string("coupledRate"), SelectSpec.DEFAULT_COUPLED_RATE), exclude == null ? List.of() : exclude,
        n.number("maxPruningRatio"), n.string("normalization"));
  }

  /**
   * {@code roundTo} when absent: {@link SelectSpec#AUTO_ROUND_TO} ({@link SelectSpec#GLOBAL_ROUND_TO}) for a global channel target
   * ({@code globalRatio}, {@code targetFlopsReduction}), where the engine picks each group's count;
   * 1 for per-layer rates (a tutorial's HRank list is reproduced as written) and masks.
   */
  private static int defaultRoundTo(SpecNode n) {
    return n.number("globalRatio") != null || n.number("targetFlopsReduction") != null ? SelectSpec.AUTO_ROUND_TO : 1;
  }

  /** An HRank expression, or a list of rates written as the expression {@code [r0,r1,...]}. */
  private static String compressRate(SpecNode n) {
    JsonNode v = n.raw("compressRate");
    if (v == null || v.isTextual()) {
      return v == null ? null : v.asText();
    }
    List<Double> rates = n.numbers("compressRate");
    if (rates == null) {
      return null;
    }
    if (rates.isEmpty()) {
      n.problems().add(n.path("compressRate"), "the list is empty: give one rate per Conv");
      return null;
    }
    List<String> texts = rates.stream().map(r -> BigDecimal.valueOf(r).toPlainString()).toList();
    return "[" + String.join(",", texts) + "]";
  }

  /** N:M as a string; YAML 1.1 may read an unquoted 2:4 as a base-60 number, hence the hint. */
  private static String nm(SpecNode n) {
    JsonNode v = n.raw("nm");
    if (v != null && v.isNumber()) {
      n.problems().add(n.path("nm"), "expected a string like \"2:4\", got the number " + v.asText() + " (quote it)");
      return null;
    }
    return n.string("nm");
  }

  private static ScheduleSpec schedule(SpecNode n, Defaults d) {
    if (n == null) {
      return null;
    }
    String modeName = n.string("mode");
    Problems p = n.problems();
    if (modeName == null) {
      if (!n.has("mode")) {
        p.add(n.path("mode"), "required; one of " + String.join(", ", ScheduleMode.ids()));
      }
      return null;
    }
    ScheduleMode mode;
    try {
      mode = ScheduleMode.of(modeName);
    } catch (IllegalArgumentException e) {
      p.add(n.path("mode"), e.getMessage());
      return null;
    }
    List<String> allowed = new ArrayList<>(List.of("mode"));
    allowed.addAll(mode.settings());
    for (String f : n.fieldNames()) {
      if (allowed.contains(f)) {
        continue;
      }
      boolean otherMode = java.util.Arrays.stream(ScheduleMode.values()).anyMatch(m -> m.settings().contains(f));
      p.add(n.path(f), (otherMode ? "not a setting of mode " + mode.id() : "unknown field")
          + "; mode " + mode.id() + " takes: " + String.join(", ", mode.settings()));
    }
    return switch (mode) {
      case ONESHOT -> new ScheduleSpec.OneShot(fit(n.object("finetune"), d));
      case LAYERWISE -> new ScheduleSpec.Layerwise(fit(n.object("perStep"), d), fit(n.object("finalTune"), d));
      case STAGES -> new ScheduleSpec.Stages(n.numbers("flopsReductions"), fit(n.object("perStage"), d), n.numbers("sparsities"));
      case GRADUAL -> new ScheduleSpec.Gradual(or(n.string("curve"), "agp"), or(n.number("initialSparsity"), 0.0), n.number("targetSparsity"),
          or(n.integer("startEpoch"), 0), n.integer("endEpoch"), or(n.integer("interval"), 1), fit(n.object("finetune"), d));
      case SLIMMING -> new ScheduleSpec.Slimming(or(n.number("sr"), 1e-4), or(n.bool("srDecay"), false), fit(n.object("sparsityTraining"), d),
          n.number("percent"), fit(n.object("finetune"), d), n.integer("minKept"), n.number("minKeptFraction"), n.integer("roundTo"),
          n.bool("skipShortcuts"));
      case SENSITIVITY -> new ScheduleSpec.Sensitivity(or(n.numbers("ratios"), ScheduleSpec.Sensitivity.DEFAULT_RATIOS), n.number("maxAccuracyDrop"),
          n.number("targetFlopsReduction"), or(n.integer("probeBatches"), ScheduleSpec.Sensitivity.DEFAULT_PROBE_BATCHES), fit(n.object("finetune"), d));
      case FINETUNE -> new ScheduleSpec.Finetune(fit(n.object("finetune"), d));
    };
  }

  private static EvalSpec eval(SpecNode n) {
    if (n == null) {
      return EvalSpec.DEFAULT;
    }
    n.only(EVAL);
    return new EvalSpec(or(n.integers("batchSizes"), EvalSpec.DEFAULT.batchSizes()), or(n.strings("devices"), EvalSpec.DEFAULT.devices()));
  }

  private static <T> T or(T value, T dflt) {
    return value == null ? dflt : value;
  }
}
