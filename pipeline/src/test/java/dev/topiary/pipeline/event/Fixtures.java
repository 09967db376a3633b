package dev.topiary.pipeline.event;

import dev.topiary.pipeline.store.ArtifactRef;
import dev.topiary.pipeline.store.ModelRef;
import java.time.Instant;
import java.util.List;

/** The events the golden files hold, built in Java. */
final class Fixtures {
  static final String JOB = "0f3c9a52-job";
  static final String H1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  static final String H2 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
  static final String H3 = "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";
  static final String H4 = "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c";
  static final String H5 = "7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730";
  static final ArtifactRef PLAN = ref("jobs/0f3c9a52-job/plan.json", H1, 48213);
  static final ModelRef MODEL = new ModelRef(ref("jobs/0f3c9a52-job/04-prune/graph.json", H2, 9120),
      ref("jobs/0f3c9a52-job/04-prune/weights.safetensors", H3, 3321880), ref("jobs/0f3c9a52-job/04-prune/history.json", H4, 412));
  static final ArtifactRef SCORES = ref("jobs/0f3c9a52-job/03-rank/scores.json", H5, 20480);
  static final Artifacts AFTER_RANK = Artifacts.of(MODEL).withScores(SCORES);

  private Fixtures() {}

  static ArtifactRef ref(String key, String sha, long size) {
    return new ArtifactRef("topiary", key, sha, size);
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  static JobSubmitted jobSubmitted() {
    return new JobSubmitted(JOB, 0, 1, at("2026-03-01T09:00:00Z"), "resnet56-hrank-layerwise", 62, PLAN, Artifacts.NONE);
  }

  static JobSubmitted jobSubmittedByTenant() {
    return new JobSubmitted(JOB, 0, 1, at("2026-03-01T09:00:00Z"), "resnet56-hrank-layerwise", 62, PLAN, Artifacts.NONE,
        "acme", "train-run-2026-03-01.7");
  }

  static JobRejected jobRejected() {
    return new JobRejected("train-run-2026-03-01.8", at("2026-03-01T09:00:05Z"), "acme", List.of(
        new JobRejected.FieldError("prune.select.compressRate", "expected 55 rates (one per Conv), got 3"),
        new JobRejected.FieldError("schedule.finetune.epochs", "must be >= 0, got -1")));
  }

  static RankComputed rankComputed() {
    return new RankComputed(JOB, 3, 1, at("2026-03-01T09:41:12.500Z"), PLAN, AFTER_RANK, "hrank", 30);
  }

  static LayerPruned layerPruned() {
    return new LayerPruned(JOB, 4, 2, at("2026-03-01T09:42:00Z"), PLAN, AFTER_RANK,
        List.of(new LayerPruned.GroupCut("conv1", 16, 15)), 848266, 121283072, null);
  }

  static LayerPruned layerPrunedMasks() {
    ArtifactRef masks = ref("jobs/0f3c9a52-job/02-mask/masks.safetensors", H5, 3321880);
    return new LayerPruned(JOB, 2, 1, at("2026-03-01T09:42:00Z"), PLAN, Artifacts.of(MODEL).withMasks(masks),
        List.of(), 269722, 40813184, 0.8);
  }

  static EpochTuned epochTuned() {
    return new EpochTuned(JOB, 5, 1, at("2026-03-01T09:47:31Z"), PLAN, AFTER_RANK, 1, 1, 0.2875, 0.9012, 0.3311, 0.8874, 0.01, null);
  }

  static ModelEvaluated modelEvaluated() {
    return new ModelEvaluated(JOB, 62, 1, at("2026-03-01T12:03:10Z"), PLAN, AFTER_RANK, 0.9343, 0.9981, 0.2419, 487106, 62720000,
        1969042, 1801233, List.of(new ModelEvaluated.Latency("cpu", "djl", 1, 2.35, 2.61), new ModelEvaluated.Latency("cpu", "djl", 32, 13.42, 14.9),
        new ModelEvaluated.Latency("cpu", "onnxruntime", 1, 1.12, 1.3), new ModelEvaluated.Latency("cpu", "onnxruntime", 32, 9.87, 10.5)));
  }

  /** {@link #modelEvaluated()} as eval services wrote it before latency named its runtime: DJL's figures only. */
  static ModelEvaluated modelEvaluatedWithoutRuntime() {
    ModelEvaluated e = modelEvaluated();
    return new ModelEvaluated(e.jobId(), e.stepIndex(), e.attempt(), e.occurredAt(), e.plan(), e.artifacts(), e.top1(), e.top5(), e.loss(),
        e.params(), e.macs(), e.sizeBytes(), e.zippedBytes(), e.latency().subList(0, 2));
  }

  static JobFailed jobFailed() {
    return new JobFailed(JOB, 4, 3, at("2026-03-01T09:45:00Z"), Stage.PRUNE, "InvalidPruningConfigException",
        "group layer1.0.conv1 has 16 channels: ratio 0.9 would keep 2, fewer than minChannels 4; the largest ratio allowed is 0.75");
  }

  static JobCancelled jobCancelled() {
    return new JobCancelled(JOB, 7, 1, at("2026-03-01T10:00:00Z"), "superseded by job 1a2b", "ana");
  }
}
