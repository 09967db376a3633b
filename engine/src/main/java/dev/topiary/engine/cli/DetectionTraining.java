package dev.topiary.engine.cli;

import dev.topiary.engine.detect.DetectionFolders;

import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionEpochResult;
import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.detect.DetectionLoader;
import dev.topiary.engine.detect.DetectionMetrics;
import dev.topiary.engine.detect.DetectionTrainer;
import dev.topiary.engine.detect.DetectorInfo;
import dev.topiary.engine.detect.DetectorSetup;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.BnSparsityHook;
import dev.topiary.engine.train.TrainingCheckpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code train --dataset yolo|coco}: YOLOv5's training of a detector, with its options. */
final class DetectionTraining {
  @Option(names = "--warmup-epochs", defaultValue = "3", description = "detection: warm-up epochs (at least 100 iterations, as YOLOv5; default ${DEFAULT-VALUE})")
  double warmupEpochs;

  @Option(names = "--min-warmup-iterations", defaultValue = "100", description = "detection: the warm-up's minimum iterations (default ${DEFAULT-VALUE})")
  int minWarmupIterations;

  @Option(names = "--nominal-batch", defaultValue = "64", description = "detection: gradients are accumulated up to this many pictures per step (YOLOv5's nbs; default ${DEFAULT-VALUE})")
  int nominalBatch;

  @Option(names = "--no-ema", description = "detection: validate and save the raw weights instead of their moving average")
  boolean noEma;

  @Option(names = "--no-autoanchor", description = "detection: keep the model's anchors even when they fit the boxes badly")
  boolean noAutoanchor;

  @Option(names = "--mosaic", defaultValue = "0", description = "detection, with --augment: the share of training pictures made as a "
      + "mosaic of four, as YOLOv5's mosaic (its default 1.0; default ${DEFAULT-VALUE}: three more decodes per picture)")
  double mosaic;

  @Option(names = "--sr", defaultValue = "0", description = "L1 strength on BatchNorm scales (network slimming's sparsity training; decays as the seed's)")
  double sr;

  @Option(names = "--val-limit", defaultValue = "0", description = "detection: validate on the first N val images only (0: all)")
  int valLimit;

  /** Options the train command shares with the classification path, resolved for detection. */
  record Common(int epochs, Double lr, Double momentum, double weightDecay, String schedule, int batch, int trainLimit, int workers,
      long seed, boolean augment, Path checkpoints) {}

  Model run(Model start, boolean fresh, String kind, Path dir, Common c) {
    DetectHead head = DetectHead.of(start.graph());
    TensorShape in = start.graph().inputs().get(0).shape();
    int size = DetectorSetup.squareSide(start);
    DetectionDataset train = DetectionData.open(kind, dir, "train");
    DetectionDataset val = DetectionData.open(kind, dir, "val");
    DetectorSetup.Prepared prepared;
    try {
      prepared = DetectorSetup.forTraining(start, train, fresh, !noAutoanchor, c.seed());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage().replaceFirst("^numClasses:", "--classes:").replaceFirst("^inputShape:", "--input:"), e);
    }
    if (prepared.anchorReport() != null) {
      System.out.println(prepared.anchorReport());
    }
    DetectorInfo info = prepared.info();
    Model model = prepared.model();
    DetectionLoader trainData = DetectionFolders.loader(train, size, in.channels(), c.batch(), c.augment(), checkMosaic(mosaic, c.augment()),
        c.seed(), c.workers(), c.trainLimit());
    DetectionLoader valData = DetectionFolders.loader(val, size, in.channels(), c.batch(), false, c.seed(), c.workers(), valLimit);
    DetectionHyp hyp = DetectionHyp.yolov5().withWarmup(warmupEpochs, minWarmupIterations).withCosine(cosine(c.schedule())).withNominalBatch(nominalBatch);
    if (c.lr() != null) {
      hyp = hyp.withLr0(c.lr());
    }
    if (c.momentum() != null) {
      hyp = new DetectionHyp(hyp.lr0(), hyp.lrf(), c.momentum(), c.weightDecay(), hyp.warmupEpochs(), hyp.warmupMomentum(), hyp.warmupBiasLr(),
          hyp.minWarmupIterations(), hyp.nominalBatch(), hyp.cosine());
    }
    System.out.printf("training %s on %s: %d train / %d val pictures at %d px, %d classes, %d epochs%n", model.graph().name(), dir,
        trainData.size(), valData.size(), size, head.numClasses(), c.epochs());
    DetectionTrainer.Builder b = DetectionTrainer.builder().setModel(model).setAnchors(info.anchors()).setTrainData(trainData)
        .optValidationData(valData).setEpochs(c.epochs()).optHyp(hyp).optSeed(c.seed()).optEma(!noEma)
        .optCheckpointDir(c.checkpoints());
    ProgressLine progress = ProgressLine.onStdout("train");
    b.optProgress(progress).optCallback(r -> {
      progress.clear();
      System.out.println(line(r, c.epochs()));
    });
    if (c.checkpoints() != null && java.nio.file.Files.exists(TrainingCheckpoint.fileIn(c.checkpoints()))) {
      System.out.printf("resuming from %s%n", TrainingCheckpoint.fileIn(c.checkpoints()));
    }
    if (sr > 0) {
      b.optGradientHook(BnSparsityHook.decaying(sr));
    }
    return b.build().fit().model();
  }

  /** {@code --mosaic} as given, refused naming the option outside [0, 1] or without {@code --augment}. */
  static double checkMosaic(double mosaic, boolean augment) {
    if (!(mosaic >= 0 && mosaic <= 1)) {
      throw new IllegalArgumentException("--mosaic: a share of the training pictures, in [0, 1], got " + mosaic);
    }
    if (mosaic != 0 && !augment) {
      throw new IllegalArgumentException("--mosaic: applies with --augment only (a mosaic is a training augmentation)");
    }
    return mosaic;
  }

  private static boolean cosine(String schedule) {
    return switch (schedule == null ? "linear" : schedule.toLowerCase(Locale.ROOT)) {
      case "linear" -> false;
      case "cosine" -> true;
      default -> throw new IllegalArgumentException("--schedule: a detector decays linearly or by cosine (linear, cosine), got '" + schedule + "'");
    };
  }

  static String line(DetectionEpochResult r, int epochs) {
    return String.format(Locale.ROOT, "epoch %d/%d  box %.4f obj %.4f cls %.4f  P %.3f R %.3f mAP@.5 %.3f mAP@.5:.95 %.3f  lr %.5f  %.0f img/s  %.1f s",
        r.epoch() + 1, epochs, r.boxLoss(), r.objLoss(), r.clsLoss(), r.precision(), r.recall(), r.map50(), r.map5095(), r.lr(),
        r.imagesPerSecond(), r.wallSeconds()) + (r.skippedSteps() == 0 ? "" : String.format(Locale.ROOT,
            "  (%d step%s skipped: gradients of no finite norm)", r.skippedSteps(), r.skippedSteps() == 1 ? "" : "s"));
  }

  /** The metrics table of a detector on the dataset's {@code val} split, as {@code val.py} prints it. */
  static String evaluate(Model m, String kind, Path dir, int batch, int workers, int limit) {
    TensorShape in = m.graph().inputs().get(0).shape();
    DetectionDataset val = DetectionData.open(kind, dir, "val");
    DetectionLoader data = DetectionFolders.loader(val, in.height(), in.channels(), batch, false, 0, workers, limit);
    DetectionMetrics.Result r = dev.topiary.engine.detect.DetectionEvaluator.evaluate(m, data);
    return String.format(Locale.ROOT, "%s on %s (val, %d pictures at %d px):%n", m.graph().name(), dir, data.size(), in.height())
        + table(r, val.classNames());
  }

  private static int labels(DetectionMetrics.Result m) {
    int n = 0;
    for (int k = 0; k < m.numClasses(); k++) {
      n += m.targets(k);
    }
    return n;
  }

  /** YOLOv5 val's table: one row for all classes, then one per class present. */
  static String table(DetectionMetrics.Result m, List<String> names) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-14s %8s %8s %8s %8s %8s %10s%n", "Class", "Images", "Labels", "P", "R", "mAP@.5", "mAP@.5:.95"));
    s.append(String.format(Locale.ROOT, "%-14s %8d %8d %8.3f %8.3f %8.3f %10.3f%n", "all", m.images(), labels(m), m.precision(), m.recall(), m.map50(), m.map()));
    for (int k = 0; k < names.size(); k++) {
      if (m.targets(k) > 0) {
        s.append(String.format(Locale.ROOT, "%-14s %8s %8d %8.3f %8.3f %8.3f %10.3f%n", names.get(k), "", m.targets(k), m.precision(k), m.recall(k), m.ap50(k), m.ap(k)));
      }
    }
    return s.toString();
  }
}
