package dev.topiary.engine.cli;

import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.Evaluation;
import dev.topiary.engine.workflow.Fitter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "eval", mixinStandardHelpOptions = true, description = "Top-1, top-5 and loss of a model on a dataset's test split.")
final class EvalCommand implements Callable<Integer> {
  @Mixin ModelOptions model;
  @Mixin DataOptions data;
  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() {
    runtime.apply();
    Model m = model.modelOrInit();
    if (DetectionData.isDetection(data.kind)) {
      System.out.print(DetectionTraining.evaluate(m, data.kind, data.dir, data.batch, data.workers, data.testLimit));
      return 0;
    }
    Evaluation e = Fitter.evaluate(m, data.spec(model.seed).open(m.graph().inputs().get(0).shape().toArray()));
    System.out.printf("%s: %d images, top-1 %.4f, top-5 %.4f, loss %.4f%n", m.graph().name(), e.samples(), e.top1(), e.top5(), e.loss());
    return 0;
  }
}
