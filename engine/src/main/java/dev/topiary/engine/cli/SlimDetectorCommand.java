package dev.topiary.engine.cli;

import dev.topiary.engine.detect.DetectionFolders;

import dev.topiary.engine.detect.DetectHead;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionHyp;
import dev.topiary.engine.detect.DetectorSlimming;
import dev.topiary.engine.graph.TensorShape;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.prune.schedule.SlimmingCut;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "slim-detector", mixinStandardHelpOptions = true,
    description = {"Network slimming of a trained detector as the seed's yolov5prune runs it: sparsity training (L1 on BN |gamma|, decaying),",
        "a global |gamma| threshold cutting --percent of the channels (within a per-group floor, rounded to a multiple), fine-tuning;",
        "prints the seed's table (mAP@.5, mAP@.5:.95, params, GFLOPs, latency) at the baseline, after sparsity training, after the cut and after fine-tuning."})
final class SlimDetectorCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "the trained detector (a model folder or .onnx file)") Path model;
  @Option(names = "--dataset", defaultValue = "yolo", description = "yolo or coco (default ${DEFAULT-VALUE})") String kind;
  @Option(names = "--data-dir", required = true, description = "the dataset (data.yaml or its folder; a COCO folder)") Path dir;
  @Option(names = "--batch", defaultValue = "16", description = "batch size (default ${DEFAULT-VALUE})") int batch;
  @Option(names = "--workers", defaultValue = "2", description = "decoding threads (default ${DEFAULT-VALUE})") int workers;
  @Option(names = "--train-limit", defaultValue = "0", description = "use the first N training pictures (0: all)") int trainLimit;
  @Option(names = "--val-limit", defaultValue = "0", description = "validate on the first N pictures (0: all)") int valLimit;
  @Option(names = "--augment", description = "YOLOv5's training augmentation (affine, HSV, flip)") boolean augment;
  @Option(names = "--mosaic", defaultValue = "0", description = "with --augment: the share of training pictures made as a mosaic of four "
      + "(YOLOv5's default 1.0; default ${DEFAULT-VALUE})") double mosaic;
  @Option(names = "--sr", defaultValue = "2e-4", description = "L1 strength on BN |gamma|, decaying to 10% (default ${DEFAULT-VALUE})") double sr;
  @Option(names = "--sparsity-epochs", defaultValue = "1", description = "sparsity-training epochs (default ${DEFAULT-VALUE})") int sparsityEpochs;
  @Option(names = "--percent", required = true, description = "fraction of BN channels under the global |gamma| threshold, e.g. 0.5") double percent;
  @Option(names = "--min-kept", defaultValue = "8", description = "channels every group keeps at least (default ${DEFAULT-VALUE})") int minKept;
  @Option(names = "--min-kept-fraction", defaultValue = "0", description = "fraction of each group kept at least (default ${DEFAULT-VALUE})") double minKeptFraction;
  @Option(names = "--round-to", defaultValue = "8", description = "kept channels rounded up to a multiple of this (default ${DEFAULT-VALUE})") int roundTo;
  @Option(names = "--skip-shortcuts", description = "leave shortcut channels and residual branches alone, as the seed's yolov5prune does") boolean skipShortcuts;
  @Option(names = "--finetune-epochs", defaultValue = "1", description = "fine-tuning epochs after the cut (default ${DEFAULT-VALUE})") int finetuneEpochs;
  @Option(names = "--lr", defaultValue = "0.01", description = "lr0 of both training phases (default ${DEFAULT-VALUE})") double lr;
  @Option(names = "--nominal-batch", defaultValue = "64", description = "gradients accumulated to this many pictures per step (default ${DEFAULT-VALUE})") int nominalBatch;
  @Option(names = "--warmup-epochs", defaultValue = "3", description = "warm-up epochs of each phase (default ${DEFAULT-VALUE})") double warmupEpochs;
  @Option(names = "--min-warmup-iterations", defaultValue = "100", description = "the warm-up's minimum iterations (default ${DEFAULT-VALUE})") int minWarmup;
  @Option(names = "--latency-batch", split = ",", defaultValue = "1,32", description = "latency batch sizes (default ${DEFAULT-VALUE}; empty to skip)") List<Integer> latencyBatch;
  @Option(names = "--histogram", description = "write the |gamma| histograms (before and after sparsity training) to this SVG file") Path histogram;
  @Option(names = "--seed", defaultValue = "0", description = "shuffling seed") long seed;
  @Option(names = "--out", required = true, description = "model folder for the fine-tuned detector") Path out;
  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    runtime.apply();
    Model m = ModelOptions.load(model, null);
    DetectHead head = DetectHead.of(m.graph());
    TensorShape in = m.graph().inputs().get(0).shape();
    DetectionDataset train = DetectionData.open(kind, dir, "train");
    DetectionDataset val = DetectionData.open(kind, dir, "val");
    if (train.classNames().size() != head.numClasses()) {
      throw new IllegalArgumentException("--data-dir: the detector predicts " + head.numClasses() + " classes but the dataset names " + train.classNames().size());
    }
    DetectionHyp hyp = DetectionHyp.yolov5().withLr0(lr).withNominalBatch(nominalBatch).withWarmup(warmupEpochs, minWarmup);
    var trainData = DetectionFolders.loader(train, in.height(), in.channels(), batch, augment, DetectionTraining.checkMosaic(mosaic, augment),
        seed, workers, trainLimit);
    var valData = DetectionFolders.loader(val, in.height(), in.channels(), batch, false, seed, workers, valLimit);
    System.out.printf(Locale.ROOT, "slimming %s on %s: %d train / %d val pictures at %d px; sr %.2g over %d epochs, cut %.0f%% of BN channels, fine-tune %d epochs%n",
        m.graph().name(), dir, trainData.size(), valData.size(), in.height(), sr, sparsityEpochs, 100 * percent, finetuneEpochs);
    ProgressLine sparsityProgress = ProgressLine.onStdout("sparsity");
    ProgressLine finetuneProgress = ProgressLine.onStdout("finetune");
    DetectorSlimming.Result r = DetectorSlimming.run(m, new DetectorSlimming.Phase(trainData, valData, sparsityEpochs, hyp, seed, sparsityProgress),
        sr, percent, new SlimmingCut(minKept, minKeptFraction, roundTo, skipShortcuts),
        new DetectorSlimming.Phase(trainData, valData, finetuneEpochs, hyp, seed, finetuneProgress), latencyBatch.stream().mapToInt(Integer::intValue).toArray(),
        (phase, e) -> {
          sparsityProgress.clear();
          finetuneProgress.clear();
          System.out.println(phase + " " + DetectionTraining.line(e, phase.equals("sparsity") ? sparsityEpochs : finetuneEpochs));
        },
        p -> System.out.printf(Locale.ROOT, "%s: mAP@.5 %.3f, mAP@.5:.95 %.3f, params %,d, MACs %,d%n", p.label(), p.metrics().map50(), p.metrics().map(), p.params(), p.macs()));
    r.model().save(out);
    if (histogram != null) {
      Files.writeString(histogram, r.histogramSvg());
    }
    System.out.println(r.cut());
    System.out.print(DetectorSlimming.table(r.points()));
    System.out.printf("saved %s%s%n", out, histogram == null ? "" : " and " + histogram);
    return 0;
  }
}
