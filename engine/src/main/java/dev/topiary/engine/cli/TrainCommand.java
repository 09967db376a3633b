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
  @Option(names = "--lr", defaultValue = "0.05") double lr;
  @Option(names = "--momentum", defaultValue = "0.9") double momentum;
  @Option(names = "--nesterov") boolean nesterov;
  @Option(names = "--weight-decay", defaultValue = "5e-4") double weightDecay;
  @Option(names = "--schedule", defaultValue = "cosine", description = "constant, cosine or multistep:<e1>,<e2>[:gamma]") String schedule;
  @Option(names = "--checkpoint-dir", description = "resume from / write epoch checkpoints here") Path checkpoints;
  @Option(names = "--out", required = true, description = "model folder to write") Path out;

  @Override
  public Integer call() throws Exception {
    runtime.apply();
    FitSettings fit = new FitSettings(epochs, lr, momentum, nesterov, weightDecay, schedule, model.seed);
    Model start = model.modelOrInit();
    int[] input = start.graph().inputs().get(0).shape().toArray();
    DataSpec.Loaders loaders = data.spec(model.seed).open(input);
    System.out.printf("training %s on %s: %d train / %d test images, %d epochs%n", start.graph().name(), data.kind,
        loaders.train().size(), loaders.test().size(), epochs);
    Fitter.Outcome o = Fitter.fit(start, loaders, fit, r -> System.out.println(Console.epoch(r)),
        m -> java.util.Map.of(), java.util.List.of(), checkpoints);
    o.model().save(out);
    Evaluation e = Fitter.evaluate(o.model(), loaders);
    System.out.printf("saved %s: test top-1 %.4f top-5 %.4f loss %.4f%n", out, e.top1(), e.top5(), e.loss());
    return 0;
  }
}
