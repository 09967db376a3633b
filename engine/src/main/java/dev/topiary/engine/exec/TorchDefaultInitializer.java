package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import dev.topiary.engine.graph.ParamKey;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * PyTorch's default initialisation of one parameter, made reproducible: Conv and Linear weights
 * and biases are U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (what kaiming_uniform_(a = sqrt 5) and the
 * bias rule of torch.nn.Conv2d / Linear give), BN (and instance norm) gamma and running variance
 * 1, beta and running mean 0; a Constant's value 0.
 *
 * <p>Values are drawn in Java from a generator seeded with the block's seed and the tensor name,
 * so the same seed gives bit-identical parameters on every machine and device, and one tensor's
 * values do not depend on which other nodes the graph has.
 */
final class TorchDefaultInitializer implements Initializer {
  private final ParamKey key;
  private final int fanIn;
  private final long seed;

  /**
   * @param fanIn inputs per output of the owning node's weight (in/groups * kh * kw for a conv);
   *     only read for weights and biases
   */
  TorchDefaultInitializer(ParamKey key, int fanIn, long seed) {
    this.key = key;
    this.fanIn = fanIn;
    this.seed = seed;
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    NDArray values = manager.create(values(Math.toIntExact(shape.size())), shape);
    if (dataType == DataType.FLOAT32) {
      return values;
    }
    try (values) {
      return values.toType(dataType, false);
    }
  }

  float[] values(int n) {
    float[] v = new float[n];
    switch (key.role()) {
      case WEIGHT, BIAS -> {
        double bound = 1 / Math.sqrt(fanIn);
        SplittableRandom random = new SplittableRandom(mix(seed, key.tensorName()));
        for (int i = 0; i < n; i++) {
          v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
        }
      }
      case GAMMA, RUNNING_VAR -> Arrays.fill(v, 1f);
      case BETA, RUNNING_MEAN -> { } // zeros
      case VALUE -> { } // zeros: a Constant's values come with its imported weights
      default -> throw new IllegalStateException("no default initialisation for role " + key.role());
    }
    return v;
  }

  /** A per-tensor seed: the name's hash spread by a 64-bit multiplier so nearby names differ well. */
  private static long mix(long seed, String name) {
    long h = seed ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 27);
  }
}
