package dev.topiary.pipeline.job;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.zoo.Zoo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a spec's values and their combinations, without the model's graph: ranges, names,
 * exactly-one choices, what each granularity and schedule needs. Null-tolerant: a missing required
 * part is one problem, and the checks that depend on it are skipped. The prune and schedule
 * sections' rules are in {@link PruneRules} and {@link ScheduleRules}.
 */
final class JobSpecValidator {
  private static final Pattern FIELD_FIRST = Pattern.compile("^(\\w+)(?::| must| does| is)\\s*(.*)$", Pattern.DOTALL);

  private JobSpecValidator() {}

  static void validate(JobSpec s, Problems p) {
    if (s.version() != JobSpecs.VERSION) {
      p.add("version", s.version() > JobSpecs.VERSION
          ? "spec version " + s.version() + " is newer than this service understands (" + JobSpecs.VERSION + ")"
          : "must be " + JobSpecs.VERSION + ", got " + s.version());
    }
    if (s.name() == null) {
      p.add("name", "required");
    } else if (Names.checkName(s.name()) != null) {
      p.add("name", Names.checkName(s.name()));
    }
    DetectionRules.task(s.task(), p);
    model(s.model(), p);
    baseline(s, p);
    if (s.detects() && s.dataset() != null) {
      DetectionRules.dataset(s.dataset(), p);
    } else {
      dataset(s.dataset(), p);
    }
    PruneRules.check(s.prune(), s.schedule(), p);
    if (s.detects()) {
      DetectionRules.prune(s.prune(), p);
    }
    ScheduleRules.check(s.schedule(), s.prune() == null ? null : s.prune().granularity(), s.detects(), p);
    replayNeeded(s, p);
    eval(s.eval(), p);
  }

  private static void model(ModelSource m, Problems p) {
    if (m == null) {
      p.add("model", "required: give zoo (an architecture), graph (a stored graph.json) or onnx (an uploaded model.onnx)");
      return;
    }
    List<String> given = new ArrayList<>();
    if (m.zoo() != null) {
      given.add("zoo");
    }
    if (m.graph() != null) {
      given.add("graph");
    }
    if (m.onnx() != null) {
      given.add("onnx");
    }
    boolean refusedRef = p.hasUnder("model.graph") || p.hasUnder("model.onnx"); // read as absent: said already
    if (given.size() != 1 && !refusedRef) {
      p.add("model", "give exactly one of zoo, graph, onnx" + (given.isEmpty() ? "" : "; got " + String.join(" and ", given)));
    }
    if (m.onnx() != null && m.weights() != null) {
      p.add("model.weights", "not used with model.onnx: the ONNX file holds its weights; remove it");
    }
    if (m.zoo() == null) {
      zooOptionsAbsent(m, p);
      return;
    }
    if (!Zoo.names().contains(m.zoo())) {
      p.add("model.zoo", "unknown architecture '" + m.zoo() + "'; valid: " + String.join(", ", Zoo.names()));
      return;
    }
    if (m.shortcut() != null && !List.of("A", "B").contains(m.shortcut())) {
      p.add("model.shortcut", "expected A or B, got '" + m.shortcut() + "'");
      return;
    }
    if (p.hasUnder("model")) {
      return;
    }
    try {
      m.modelSpec();
    } catch (IllegalArgumentException e) {
      Matcher f = FIELD_FIRST.matcher(e.getMessage());
      boolean named = f.matches() && JobSpecReader.MODEL.contains(f.group(1));
      String field = named ? f.group(1) : "zoo";
      String reason = named ? e.getMessage().substring(field.length()).replaceFirst("^:?\\s*", "") : e.getMessage();
      p.add("model." + field, reason.replace("arch '", "architecture '"));
    }
  }

  /**
   * Mode finetune cuts nothing itself: the replayed history is its cut; layerwise counts cannot
   * follow a replay; sensitivity measures top-1: classification only.
   */
  private static void replayNeeded(JobSpec s, Problems p) {
    if (s.schedule() instanceof ScheduleSpec.Finetune && s.model() != null && s.model().replay() == null && !p.hasUnder("model.replay")) {
      p.add("schedule.mode", "finetune cuts nothing itself: it needs model.replay (a pruned model's graph and history to apply)");
    }
    if (s.schedule() instanceof ScheduleSpec.Layerwise && s.model() != null && s.model().replay() != null) {
      p.add("schedule.mode", "layerwise fixes each group's count from the graph at submission, before model.replay cuts it;"
          + " after a replay use finetune, oneshot, stages or sensitivity");
    }
    if (s.schedule() instanceof ScheduleSpec.Sensitivity && s.detects()) {
      p.add("schedule.mode", "sensitivity measures top-1 accuracy per probe: task classification only");
    }
  }

  private static void zooOptionsAbsent(ModelSource m, Problems p) {
    Object[] options = {m.numClasses(), m.inputShape(), m.widthMultiplier(), m.shortcut(), m.cifar()};
    List<String> names = List.of("numClasses", "inputShape", "widthMultiplier", "shortcut", "cifar");
    for (int i = 0; i < options.length; i++) {
      if (options[i] != null) {
        p.add("model." + names.get(i), "a zoo option: applies only with model.zoo (a stored graph or ONNX file has its shapes)");
      }
    }
  }

  private static void baseline(JobSpec s, Problems p) {
    if (s.model() == null || p.hasUnder("model.weights") || p.hasUnder("model.onnx")) {
      return;
    }
    if (!s.model().hasWeights() && s.baseline() == null) {
      p.add("baseline", "required when model.weights is not given: the model is trained from scratch first");
    } else if (s.model().hasWeights() && s.baseline() != null) {
      p.add("baseline", "not used when " + (s.model().onnx() != null ? "model.onnx (which holds its weights)" : "model.weights") + " is given; remove it");
    } else if (s.baseline() != null) {
      ScheduleRules.fit(s.baseline(), "baseline", 1, s.detects(), p);
    }
  }

  private static void dataset(DatasetSpec d, Problems p) {
    if (d == null) {
      p.add("dataset", "required");
      return;
    }
    DatasetCatalog.Kind kind = null;
    if (d.kind() == null) {
      p.add("dataset.kind", "required; one of " + kinds());
    } else if (d.detectionKind()) {
      p.add("dataset.kind", "'" + d.kind() + "' is a detection dataset: set task: detection (with a detector such as yolov5n)");
    } else {
      try {
        kind = DatasetCatalog.Kind.of(d.kind());
      } catch (IllegalArgumentException e) {
        p.add("dataset.kind", "unknown kind '" + d.kind() + "'; valid: " + kinds());
      }
    }
    if (d.uri() == null) {
      if (kind != null && kind != DatasetCatalog.Kind.FASHION_MNIST) {
        p.add("dataset.uri", "required for kind " + kind.id() + ": an absolute path or s3://bucket/prefix");
      }
    } else {
      String why = uriProblem(d.uri());
      if (why != null) {
        p.add("dataset.uri", why);
      }
    }
    Checks.atLeast(d.trainLimit(), 0, "dataset.trainLimit", p);
    Checks.atLeast(d.testLimit(), 0, "dataset.testLimit", p);
    Checks.atLeast(d.batchSize(), 1, "dataset.batchSize", p);
    if (!List.of("pad", "resize").contains(d.fit())) {
      p.add("dataset.fit", "expected pad or resize, got '" + d.fit() + "'");
    }
    StreamingChecks.check(d, kind, p);
    DetectionRules.notGenerated(d, p);
    if (d.mosaic() != null) {
      p.add("dataset.mosaic", "applies to detection datasets only, not " + d.kind());
    }
  }

  private static String uriProblem(String uri) {
    String path;
    if (uri.startsWith("s3://")) {
      int slash = uri.indexOf('/', 5);
      if (slash <= 5 || slash == uri.length() - 1) {
        return "expected s3://bucket/prefix, got '" + uri + "'";
      }
      path = uri.substring(slash + 1);
    } else if (uri.startsWith("/")) {
      path = uri.substring(1);
    } else {
      return "expected an absolute path or s3://bucket/prefix, got '" + uri + "'";
    }
    for (String seg : path.split("/")) {
      if (seg.equals("..")) {
        return "must not contain '..' segments, got '" + uri + "'";
      }
    }
    return null;
  }

  private static String kinds() {
    return String.join(", ", java.util.Arrays.stream(DatasetCatalog.Kind.values()).map(DatasetCatalog.Kind::id).toList());
  }

  private static void eval(EvalSpec e, Problems p) {
    if (e == null) {
      return;
    }
    List<Integer> b = e.batchSizes();
    if (b == null || b.isEmpty()) {
      p.add("eval.batchSizes", "must list at least one batch size");
    } else {
      for (int i = 0; i < b.size(); i++) {
        if (b.get(i) == null || b.get(i) < 1 || b.get(i) > 4096) {
          p.add("eval.batchSizes[" + i + "]", "must be in [1, 4096], got " + b.get(i));
        }
      }
      if (new HashSet<>(b).size() != b.size()) {
        p.add("eval.batchSizes", "must be distinct, got " + b);
      }
    }
    List<String> d = e.devices();
    if (d == null || d.isEmpty()) {
      p.add("eval.devices", "must list at least one device: cpu, gpu");
    } else {
      for (int i = 0; i < d.size(); i++) {
        if (!EvalSpec.DEVICES.contains(d.get(i))) {
          p.add("eval.devices[" + i + "]", "expected cpu or gpu, got '" + d.get(i) + "'");
        }
      }
      if (new HashSet<>(d).size() != d.size()) {
        p.add("eval.devices", "must be distinct, got " + d);
      }
    }
  }
}
