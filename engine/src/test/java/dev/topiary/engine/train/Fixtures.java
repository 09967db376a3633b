package dev.topiary.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Tiny models and data for the train tests. */
final class Fixtures {
  static final int CLASSES = 3;
  static final int CHANNELS = 3;
  static final int SIDE = 4;
  static final int BATCH = 16;

  private Fixtures() {}

  /** Conv(4, 3x3) + BN + ReLU + global average pool + dropout + Linear, initialized from {@code seed}. */
  static SequentialBlock tinyNet(NDManager manager, int seed) {
    SequentialBlock net = new SequentialBlock()
        .add(Conv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(0.2f).build())
        .add(Linear.builder().setUnits(CLASSES).build());
    Engine.getInstance().setRandomSeed(seed);
    net.initialize(manager, DataType.FLOAT32, new Shape(BATCH, CHANNELS, SIDE, SIDE));
    return net;
  }

  /** The key in {@code block.getParameters()} ending with {@code suffix}. */
  static String name(ai.djl.nn.Block block, String suffix) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getKey().endsWith(suffix)) {
        return p.getKey();
      }
    }
    throw new AssertionError("no parameter ending with " + suffix + " in " + block.getParameters().keys());
  }

  /** Every parameter's values, by name. */
  static Map<String, float[]> snapshot(ai.djl.nn.Block block) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      values.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return values;
  }

  /**
   * A linearly separable problem: class c raises the mean of channel c by 1, plus Gaussian noise of
   * standard deviation 0.3; batches shuffled by {@code seed + epoch}.
   */
  static EpochData separable(int samples, long seed) {
    Random random = new Random(seed);
    int pixels = CHANNELS * SIDE * SIDE;
    float[] images = new float[samples * pixels];
    long[] labels = new long[samples];
    for (int i = 0; i < samples; i++) {
      labels[i] = i % CLASSES;
      for (int j = 0; j < pixels; j++) {
        images[i * pixels + j] = (float) (random.nextGaussian() * 0.3 + (j / (SIDE * SIDE) == labels[i] ? 1 : 0));
      }
    }
    return (epoch, manager) -> {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, new Random(seed * 1000 + epoch));
      List<NDList> batches = new ArrayList<>();
      for (int from = 0; from < samples; from += BATCH) {
        int n = Math.min(BATCH, samples - from);
        float[] x = new float[n * pixels];
        long[] y = new long[n];
        for (int k = 0; k < n; k++) {
          int i = order.get(from + k);
          System.arraycopy(images, i * pixels, x, k * pixels, pixels);
          y[k] = labels[i];
        }
        NDArray xs = manager.create(x, new Shape(n, CHANNELS, SIDE, SIDE));
        batches.add(new NDList(xs, manager.create(y)));
      }
      return batches;
    };
  }
}
