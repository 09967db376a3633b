package dev.topiary.engine.zoo;

import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Relu;
import dev.topiary.engine.graph.TensorShape;

/**
 * VGG-16 with batch normalization for CIFAR, as HRank's {@code models/vgg.py} ({@code vgg_16_bn}):
 * thirteen 3x3 convolutions (with bias) each followed by BN and ReLU, a 2x2 max pool after
 * blocks 1 to 4, then a 2x2 average pool, flatten, and the classifier {@code linear1} 512 to 512,
 * {@code norm1} (BatchNorm1d), {@code relu1}, {@code linear2} to the classes.
 *
 * <p>Names follow HRank's state dict: {@code features.conv<i>}, {@code features.norm<i>}, {@code
 * features.relu<i>}, {@code features.pool<i>} where {@code i} is the position in the layer list
 * below, and {@code classifier.linear1} etc. The average pool and flatten happen in HRank's
 * {@code forward} and are named {@code avgpool} and {@code flatten}.
 */
final class CifarVgg {
  /** HRank's {@code defaultcfg} without its last entry (the classifier width): 0 marks a max pool. */
  private static final int[] FEATURES = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512};
  private static final int CLASSIFIER_WIDTH = 512;

  private CifarVgg() {}

  static Graph build(ModelSpec spec) {
    TensorShape in = spec.inputShapeOr(3, 32, 32);
    GraphBuilder b = Graph.builder(spec.arch());
    String x = b.input("input", in.toArray());
    for (int i = 0; i < FEATURES.length; i++) {
      if (FEATURES[i] == 0) {
        x = b.add("features.pool" + i, MaxPool.of(2, 2), x);
      } else {
        x = b.add("features.conv" + i, Conv.of(FEATURES[i], 3, 1, 1).withBias(true), x);
        x = b.add("features.norm" + i, BatchNormalization.standard(), x);
        x = b.add("features.relu" + i, new Relu(), x);
      }
    }
    x = b.add("avgpool", AveragePool.of(2, 2), x);
    x = b.add("flatten", new Flatten(), x);
    x = b.add("classifier.linear1", new Gemm(CLASSIFIER_WIDTH, true), x);
    x = b.add("classifier.norm1", BatchNormalization.standard(), x);
    x = b.add("classifier.relu1", new Relu(), x);
    x = b.add("classifier.linear2", new Gemm(spec.numClassesOr(10), true), x);
    return b.output(x).build();
  }
}
