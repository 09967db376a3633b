package dev.topiary.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.prune.schedule.SlimmingCut;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code task: detection}: its defaults, and each bad field refused with its path and reason. */
class DetectionSpecTest {
  /** A valid detection slimming spec that each case breaks in one place. */
  static final String BASE = """
      name: det
      task: detection
      model: {zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}
      baseline: {epochs: 2}
      dataset: {kind: generated, train: 24, val: 8, size: 64}
      prune: {granularity: channel}
      schedule: {mode: slimming, sr: 0.001, sparsityTraining: {epochs: 1}, percent: 0.5, finetune: {epochs: 1}}
      """;

  @Test
  void fillsYolov5sDefaultsForADetectionJob() {
    JobSpec s = JobSpecs.parseYaml(BASE);
    assertTrue(s.detects());
    assertEquals(DatasetSpec.DEFAULT_DETECTION_BATCH_SIZE, s.dataset().batchSize());
    assertEquals(OptimizerSpec.DETECTION_DEFAULT, s.baseline().optimizer());
    assertEquals("linear", s.baseline().lrSchedule().type());
    DetectionHyp hyp = s.baseline().toDetectionHyp();
    assertEquals(DetectionHyp.yolov5(), hyp, "no detection setting given: exactly YOLOv5's hyp.scratch-low");
    assertEquals(SlimmingCut.NONE, ((ScheduleSpec.Slimming) s.schedule()).cut());
  }

  @Test
  void mapsFitSettingsOntoYolov5Hyperparameters() {
    JobSpec s = JobSpecs.parseYaml(BASE.replace("baseline: {epochs: 2}", "baseline: {epochs: 2, optimizer: {lr: 0.02, momentum: 0.9},"
        + " lrSchedule: {type: cosine}, nominalBatch: 32, warmupEpochs: 1.5, minWarmupIterations: 10}"));
    DetectionHyp h = s.baseline().toDetectionHyp();
    assertEquals(0.02, h.lr0());
    assertEquals(0.9, h.momentum());
    assertTrue(h.cosine());
    assertEquals(32, h.nominalBatch());
    assertEquals(1.5, h.warmupEpochs());
    assertEquals(10, h.minWarmupIterations());
  }

  @Test
  void readsTheSlimmingCutForClassificationToo() {
    JobSpec s = JobSpecs.parseYaml(InvalidSpecTest.BASE.replace("prune: {criterion: l1, select: {globalRatio: 0.5}}", "prune: {}")
        .replace("{mode: oneshot, finetune: {epochs: 1}}", "{mode: slimming, percent: 0.4, sparsityTraining: {epochs: 1}, finetune: {epochs: 1},"
            + " minKept: 8, minKeptFraction: 0.1, roundTo: 8, skipShortcuts: true}"));
    assertFalse(s.detects());
    assertEquals(new SlimmingCut(8, 0.1, 8, true), ((ScheduleSpec.Slimming) s.schedule()).cut());
  }

  @Test
  void keepsAClassificationSpecsCanonicalJsonWithoutTask() {
    JobSpec s = JobSpecs.parseYaml(InvalidSpecTest.BASE);
    assertNull(s.task());
    assertFalse(JobSpecs.toJson(s).contains("task"), "plans of classification jobs are written as before");
    assertEquals(JobSpecs.parseYaml(BASE), JobSpecs.parseJson(JobSpecs.toJson(JobSpecs.parseYaml(BASE))));
  }

  static Stream<Arguments> cases() {
    String yolo = BASE.replace("{kind: generated, train: 24, val: 8, size: 64}", "{kind: yolo, uri: /data/scenes}");
    return Stream.of(
        bad("unknown task", BASE.replace("task: detection", "task: segmentation"), "task", "expected classification or detection, got 'segmentation'"),
        bad("classification kind", BASE.replace("{kind: generated, train: 24, val: 8, size: 64}", "{kind: cifar10, uri: /d}"),
            "dataset.kind", "'cifar10' is not a detection dataset; task detection takes yolo, coco, generated"),
        bad("detection kind without the task", BASE.replace("task: detection\n", ""), "dataset.kind",
            "'generated' is a detection dataset: set task: detection"),
        bad("yolo without uri", yolo.replace(", uri: /data/scenes", ""), "dataset.uri", "required for kind yolo: a folder holding data.yaml"),
        bad("coco without uri", yolo.replace("{kind: yolo, uri: /data/scenes}", "{kind: coco}"), "dataset.uri",
            "required for kind coco: a folder with annotations/instances_{train,val}.json"),
        bad("generated with uri", BASE.replace("size: 64}", "size: 64, uri: /d}"), "dataset.uri", "not used by kind generated"),
        bad("generated without train", BASE.replace("train: 24, ", ""), "dataset.train", "required for kind generated"),
        bad("generated without val", BASE.replace("val: 8, ", ""), "dataset.val", "required for kind generated"),
        bad("generated without size", BASE.replace(", size: 64", ""), "dataset.size", "required for kind generated"),
        bad("no training scene", BASE.replace("train: 24", "train: 0"), "dataset.train", "must be >= 1, got 0"),
        bad("scenes too small", BASE.replace("size: 64", "size: 16"), "dataset.size", "must be >= 32, got 16"),
        bad("too many objects", BASE.replace("size: 64}", "size: 64, maxObjects: 7}"), "dataset.maxObjects", "must be in [1, 6], got 7"),
        bad("mosaic past one", BASE.replace("size: 64}", "size: 64, augment: true, mosaic: 1.5}"), "dataset.mosaic",
            "a share of the training pictures, in [0, 1], got 1.5"),
        bad("mosaic without augmentation", BASE.replace("size: 64}", "size: 64, mosaic: 1.0}"), "dataset.mosaic",
            "applies with augment: true only"),
        bad("mosaic on classification", InvalidSpecTest.BASE.replace("{kind: cifar10, uri: /d}", "{kind: cifar10, uri: /d, mosaic: 1.0}"),
            "dataset.mosaic", "applies to detection datasets only, not cifar10"),
        bad("scene fields on a folder", yolo.replace("uri: /data/scenes}", "uri: /data/scenes, train: 10}"), "dataset.train",
            "applies to kind generated only, not yolo"),
        bad("scene fields on classification", InvalidSpecTest.BASE.replace("{kind: cifar10, uri: /d}", "{kind: cifar10, uri: /d, size: 32}"),
            "dataset.size", "applies to kind generated only, not cifar10"),
        bad("image-folder option", BASE.replace("size: 64}", "size: 64, workers: 2}"), "dataset.workers", "applies to kind image-folder only"),
        bad("resize fit", BASE.replace("size: 64}", "size: 64, fit: resize}"), "dataset.fit", "pictures are letterboxed"),
        bad("classes against the scenes'", BASE.replace("numClasses: 10", "numClasses: 80"), "model.numClasses",
            "the model's head predicts 80 classes but the generated scenes have 10"),
        bad("a classifier", BASE.replace("{zoo: yolov5n, numClasses: 10, inputShape: [3, 64, 64]}", "{zoo: resnet20}"), "model.zoo",
            "task detection needs a detector with a YOLOv5 Detect head"),
        bad("no rank batch", oneShot("taylor").replace("criterion: taylor,", "criterion: taylor, rankBatches: 0,"), "prune.rankBatches",
            "must be >= 1, got 0"),
        bad("sensitivity", oneShot("hrank").replace("{mode: oneshot, finetune: {epochs: 1}}",
            "{mode: sensitivity, ratios: [0.5], maxAccuracyDrop: 0.1, targetFlopsReduction: 0.2}"), "schedule.mode",
            "sensitivity measures top-1 accuracy per probe: task classification only"),
        bad("masks", BASE.replace("prune: {granularity: channel}", "prune: {granularity: unstructured, select: {globalSparsity: 0.5}}")
            .replace("{mode: slimming, sr: 0.001, sparsityTraining: {epochs: 1}, percent: 0.5, finetune: {epochs: 1}}",
                "{mode: oneshot, finetune: {epochs: 1}}"), "prune.granularity", "detection jobs prune channels only"),
        bad("multistep schedule", BASE.replace("baseline: {epochs: 2}", "baseline: {epochs: 2, lrSchedule: {type: multistep, milestones: [1]}}"),
            "baseline.lrSchedule.type", "expected linear or cosine, got 'multistep'"),
        bad("milestones", BASE.replace("baseline: {epochs: 2}", "baseline: {epochs: 2, lrSchedule: {type: cosine, milestones: [1]}}"),
            "baseline.lrSchedule.milestones", "applies to type multistep only"),
        bad("linear for a classifier", InvalidSpecTest.BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1, lrSchedule: {type: linear}}"),
            "schedule.finetune.lrSchedule.type", "linear applies to task detection only"),
        bad("nominal batch for a classifier", InvalidSpecTest.BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1, nominalBatch: 64}"),
            "schedule.finetune.nominalBatch", "applies to task detection only"),
        bad("warm-up for a classifier", InvalidSpecTest.BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1, warmupEpochs: 1}"),
            "schedule.finetune.warmupEpochs", "applies to task detection only"),
        bad("nominal batch 0", BASE.replace("baseline: {epochs: 2}", "baseline: {epochs: 2, nominalBatch: 0}"), "baseline.nominalBatch",
            "must be >= 1, got 0"),
        bad("negative warm-up", BASE.replace("finetune: {epochs: 1}", "finetune: {epochs: 1, warmupEpochs: -1}"),
            "schedule.finetune.warmupEpochs", "must be >= 0, got -1.0"),
        bad("negative warm-up iterations", BASE.replace("sparsityTraining: {epochs: 1}", "sparsityTraining: {epochs: 1, minWarmupIterations: -1}"),
            "schedule.sparsityTraining.minWarmupIterations", "must be >= 0, got -1"),
        bad("negative minKept", BASE.replace("percent: 0.5", "percent: 0.5, minKept: -1"), "schedule.minKept", "must be >= 0, got -1"),
        bad("minKeptFraction past 1", BASE.replace("percent: 0.5", "percent: 0.5, minKeptFraction: 1.5"), "schedule.minKeptFraction",
            "must be in [0, 1], got 1.5"),
        bad("roundTo 0", BASE.replace("percent: 0.5", "percent: 0.5, roundTo: 0"), "schedule.roundTo", "must be >= 1, got 0"),
        bad("non-square input", BASE.replace("inputShape: [3, 64, 64]", "inputShape: [3, 64, 96]"), "model.inputShape",
            "a detector takes a square input [C, S, S]"));
  }

  private static Arguments bad(String name, String yaml, String path, String messagePart) {
    return Arguments.of(name, yaml, path, messagePart);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusesNamingTheField(String name, String yaml, String path, String messagePart) {
    InvalidJobSpecException e = assertThrows(InvalidJobSpecException.class, () -> JobSpecs.parseYaml(yaml));
    List<SpecProblem> problems = e.problems();
    assertTrue(problems.stream().anyMatch(p -> p.path().equals(path) && p.message().contains(messagePart)),
        "expected " + path + ": ..." + messagePart + "...; got " + problems);
  }

  /** The base spec as a one-shot cut of 30% by {@code criterion}. */
  static String oneShot(String criterion) {
    return BASE.replace("prune: {granularity: channel}", "prune: {criterion: " + criterion + ", select: {globalRatio: 0.3}}")
        .replace("{mode: slimming, sr: 0.001, sparsityTraining: {epochs: 1}, percent: 0.5, finetune: {epochs: 1}}",
            "{mode: oneshot, finetune: {epochs: 1}}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"l1", "hrank", "taylor", "apoz"})
  void acceptsEachChannelCriterionOnADetector(String criterion) {
    JobSpec s = JobSpecs.parseYaml(oneShot(criterion));
    assertEquals(criterion, s.prune().criterion());
  }
}
