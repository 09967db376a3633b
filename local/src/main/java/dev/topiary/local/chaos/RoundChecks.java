package dev.topiary.local.chaos;

import dev.topiary.pipeline.event.Artifacts;
import dev.topiary.pipeline.event.EventCodec;
import dev.topiary.pipeline.event.ModelEvaluated;
import dev.topiary.pipeline.event.PipelineEvent;
import dev.topiary.pipeline.event.StepEvent;
import dev.topiary.pipeline.plan.JobFlow;
import dev.topiary.pipeline.plan.JobPlan;
import dev.topiary.pipeline.plan.PlanStep;
import dev.topiary.pipeline.plan.StepKind;
import dev.topiary.pipeline.stage.StageRunner;
import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ArtifactStore;
import dev.topiary.pipeline.store.Keys;
import dev.topiary.pipeline.store.ModelRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * What must hold after a disturbed job, read from the public topics and the store, never from the
 * services: it completed; its final figures equal an undisturbed run's; every step has one result
 * (deliveries of it beyond the first are the stored result re-emitted, byte for byte); one
 * evaluation per evaluate step; and nothing half-written in the store (every object under the
 * job's prefix is its plan, an attempt record or in the folder of a step that finished, and every
 * artifact its events cite is there with the hash they give).
 */
final class RoundChecks {
  /**
   * The figures an undisturbed run fixes: accuracy, parameters and MACs exactly; the loss within
   * {@link #LOSS_TOLERANCE} of it. A service process checks each oneDNN convolution configuration
   * once and may route it through other kernels than the process before it (DESIGN.md, "Wrong oneDNN
   * convolutions"), whose float32 sums round differently: a restarted fine-tune service gave a
   * validation loss 2e-5 (relative) off with the same accuracy.
   */
  record Figures(Double top1, Double top5, Double loss, long params, long macs) {
    static final double LOSS_TOLERANCE = 1e-3;

    static Figures of(ModelEvaluated m) {
      return new Figures(m.top1(), m.top5(), m.loss(), m.params(), m.macs());
    }

    boolean matches(Figures o) {
      boolean lossClose = Objects.equals(loss, o.loss) || (loss != null && o.loss != null
          && Math.abs(loss - o.loss) <= LOSS_TOLERANCE * Math.abs(o.loss));
      return Objects.equals(top1, o.top1) && Objects.equals(top5, o.top5) && params == o.params && macs == o.macs && lossClose;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "top-1 %s, top-5 %s, loss %s, params %,d, MACs %,d", top1, top5, loss, params, macs);
    }
  }

  /** The outcome: problems found (none when it passed), deliveries beyond the first, the final figures. */
  record Outcome(List<String> problems, int duplicates, Figures figures) {
    boolean passed() {
      return problems.isEmpty();
    }
  }

  private RoundChecks() {}

  static Outcome check(String jobId, JobPlan plan, List<JobRecords.Delivery> deliveries, ArtifactStore store, Figures expected) {
    List<String> problems = new ArrayList<>();
    TreeMap<Integer, List<byte[]>> completions = new TreeMap<>();
    ModelEvaluated last = null;
    for (JobRecords.Delivery d : deliveries) {
      PipelineEvent e = d.event();
      if (!(e instanceof StepEvent)) {
        problems.add("the job ended with " + e.getClass().getSimpleName() + ": " + EventCodec.toJson(e));
        continue;
      }
      OptionalInt step = JobFlow.completedStep(plan, e);
      if (step.isPresent()) {
        completions.computeIfAbsent(step.getAsInt(), k -> new ArrayList<>()).add(d.bytes());
      }
      if (e instanceof ModelEvaluated m && JobFlow.finishesJob(plan, m)) {
        last = m;
      }
    }
    int duplicates = 0;
    for (PlanStep s : plan.steps()) {
      List<byte[]> results = completions.getOrDefault(s.index(), List.of());
      long distinct = results.stream().map(Arrays::hashCode).distinct().count();
      if (results.isEmpty()) {
        problems.add("step " + s.index() + " (" + s.kind().id() + ") has no result on the topics");
      } else if (distinct > 1 || results.stream().anyMatch(b -> !Arrays.equals(b, results.get(0)))) {
        problems.add("step " + s.index() + " (" + s.kind().id() + ") has " + distinct + " different results"
            + (s.kind() == StepKind.EVALUATE ? " (more than one ModelEvaluated)" : ""));
      }
      duplicates += Math.max(0, results.size() - 1);
    }
    Figures got = last == null ? null : Figures.of(last);
    if (last == null) {
      problems.add("no final ModelEvaluated");
    } else if (expected != null && !expected.matches(got)) {
      problems.add("final figures " + got + " differ from the undisturbed run's " + expected);
    }
    problems.addAll(storeProblems(jobId, plan, deliveries, store));
    return new Outcome(problems, duplicates, got);
  }

  /** Objects outside the job's known layout, step folders without a result, cited artifacts missing or different. */
  private static List<String> storeProblems(String jobId, JobPlan plan, List<JobRecords.Delivery> deliveries, ArtifactStore store) {
    List<String> problems = new ArrayList<>();
    Set<String> finishedFolders = new HashSet<>();
    Set<String> folders = new HashSet<>();
    for (PlanStep s : plan.steps()) {
      String folder = Keys.stepPrefix(jobId, s.index(), s.stage().id());
      folders.add(folder);
      if (store.exists(folder + StageRunner.EVENT_FILE)) {
        finishedFolders.add(folder);
      }
    }
    String attempts = Keys.job(jobId) + "attempts/";
    for (String key : store.list(Keys.job(jobId))) {
      if (key.equals(Keys.plan(jobId)) || key.startsWith(attempts)) {
        continue;
      }
      Optional<String> folder = folders.stream().filter(key::startsWith).findFirst();
      if (folder.isEmpty()) {
        problems.add("orphan object " + key + " (no step of the plan writes there)");
      } else if (!finishedFolders.contains(folder.get())) {
        problems.add("half-written step: " + key + " lies in a folder without " + StageRunner.EVENT_FILE);
      }
    }
    for (JobRecords.Delivery d : deliveries) {
      if (d.event() instanceof StepEvent s) {
        for (ArtifactRef ref : refs(s.artifacts())) {
          Optional<ArtifactRef> stored = store.find(ref.key());
          if (stored.isEmpty() || !stored.get().sha256().equals(ref.sha256())) {
            problems.add("step " + s.stepIndex() + " cites " + ref.key() + (stored.isEmpty() ? ", which is missing"
                : ", stored with another hash"));
          }
        }
      }
    }
    return problems.stream().distinct().toList();
  }

  private static List<ArtifactRef> refs(Artifacts a) {
    List<ArtifactRef> out = new ArrayList<>();
    for (ModelRef m : Arrays.asList(a.model(), a.baseline())) {
      if (m != null) {
        out.add(m.graph());
        out.add(m.weights());
        if (m.history() != null) {
          out.add(m.history());
        }
      }
    }
    out.add(a.scores());
    out.add(a.masks());
    return out.stream().filter(Objects::nonNull).toList();
  }
}
