package dev.topiary.engine.train;

/**
 * Classification figures over a data set.
 *
 * @param samples how many samples were seen
 * @param loss mean softmax cross-entropy (torch {@code CrossEntropyLoss}, mean reduction)
 * @param top1 fraction whose highest logit is the label
 * @param top5 fraction whose label is among the five highest logits; NaN with fewer than 5 classes
 */
public record Evaluation(long samples, double loss, double top1, double top5) {}
