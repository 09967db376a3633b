package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.DataSpec;
import dev.topiary.engine.workflow.FitSettings;
import dev.topiary.engine.workflow.Fitter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Trains (or fine-tunes, with --model) a model with SGD and saves it as a model folder.")
final class TrainCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin DataOptions data;
  @Mixin RuntimeOptions runtime;

  @Option(names = "--epochs", defaultValue = "1") int epochs;
  @Option(names = "--lr", description = "learning rate (default 0.05; detection: YOLOv5's lr0 0.01)") Double lr;
  @Option(names = "--momentum", description = "SGD momentum (default 0.9; detection: 0.937, Nesterov)") Double momentum;
  @Option(names = "--nesterov") boolean nesterov;
  @Option(names = "--weight-decay", defaultValue = "5e-4") double weightDecay;
  @Option(names = "--schedule", description = "constant, cosine (default) or multistep:<e1>,<e2>[:gamma]; detection: linear (default) or cosine") String schedule;
  @Option(names = "--checkpoint-dir", description = "resume from / write epoch checkpoints here") Path checkpoints;
  @Option(names = "--out", required = true, description = "model folder to write") Path out;

  @Mixin DetectionTraining detection;

  @Override
  public Integer call() throws Exception {
    runtime.apply();
    if (DetectionData.isDetection(data.kind)) {
      return trainDetector();
    }
    FitSettings fit = new FitSettings(epochs, lr == null ? 0.05 : lr, momentum == null ? 0.9 : momentum, nesterov, weightDecay,
        schedule == null ? "cosine" : schedule, model.seed);
    Model start = model.modelOrInit();
    int[] input = start.graph().inputs().get(0).shape().toArray();
    DataSpec.Loaders loaders = data.spec(model.seed).open(input);
    System.out.printf("training %s on %s: %d train / %d test images, %d epochs%n", start.graph().name(), data.kind,
        loaders.train().size(), loaders.test().size(), epochs);
    ProgressLine progress = ProgressLine.onStdout("train");
    Fitter.Outcome o = Fitter.fit(start, loaders, fit, r -> {
      progress.clear();
      System.out.println(Console.epoch(r));
    }, m -> java.util.Map.of(), java.util.List.of(), checkpoints, null, progress);
    o.convOrders().forEach(c -> System.out.println(Console.convOrder(c)));
    o.model().save(out);
    Evaluation e = Fitter.evaluate(o.model(), loaders);
    System.out.printf("saved %s: test top-1 %.4f top-5 %.4f loss %.4f%n", out, e.top1(), e.top5(), e.loss());
    return 0;
  }

  private int trainDetector() throws java.io.IOException {
    Model trained = detection.run(model.modelOrInit(), model.model == null, data.kind, data.dir,
        new DetectionTraining.Common(epochs, lr, momentum, weightDecay, schedule, data.batch, data.trainLimit, data.workers, model.seed, data.augment, checkpoints));
    trained.save(out);
    System.out.printf("saved %s%n", out);
    return 0;
  }
}
