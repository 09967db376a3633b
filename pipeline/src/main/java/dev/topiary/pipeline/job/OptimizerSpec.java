package dev.topiary.pipeline.job;

/**
 * The optimizer: SGD as torch.optim.SGD, the only type the engine has.
 *
 * @param type {@code sgd}
 * @param lr learning rate, > 0
 * @param momentum in [0, 1)
 * @param weightDecay >= 0
 */
public record OptimizerSpec(String type, double lr, double momentum, double weightDecay, boolean nesterov) {
  /** SGD 0.05, momentum 0.9, weight decay 5e-4: the engine's default for small CNNs. */
  public static final OptimizerSpec DEFAULT = new OptimizerSpec("sgd", 0.05, 0.9, 5e-4, false);
  /** A detection job's defaults: YOLOv5's {@code hyp.scratch-low.yaml} (lr0 0.01, momentum 0.937, Nesterov). */
  public static final OptimizerSpec DETECTION_DEFAULT = new OptimizerSpec("sgd", 0.01, 0.937, 5e-4, true);
}
