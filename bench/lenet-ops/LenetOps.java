import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * LeNet-5's inference ops one by one through DJL 0.32 / libtorch 2.5.1 (the Topiary side of
 * bench/lenet-ops/run.sh): the calls the engine's kernels make, batch 128 of 3x32x32, autograd
 * off, microseconds per call, mean of 300 calls after 50 warm-up calls, run twice (the second
 * with the JIT warm).
 */
public class LenetOps {
  static void timed(String name, Supplier<NDArray> f) {
    for (int i = 0; i < 50; i++) {
      f.get().close();
    }
    int n = 300;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      f.get().close();
    }
    System.out.printf("%-11s %8.1f us%n", name, (System.nanoTime() - start) / 1e3 / n);
  }

  static final Shape ONE = new Shape(1, 1);
  static final Shape ZERO = new Shape(0, 0);
  static final Shape TWO = new Shape(2, 2);

  /** LeNet-5's input batch and the weights of its two convs and first linear layer, random. */
  record Weights(NDArray x, NDArray w1, NDArray b1, NDArray w2, NDArray b2, NDArray l1, NDArray c1) {
    static Weights random(NDManager m) {
      return new Weights(m.randomNormal(new Shape(128, 3, 32, 32)),
          m.randomNormal(new Shape(6, 3, 5, 5)), m.randomNormal(new Shape(6)),
          m.randomNormal(new Shape(16, 6, 5, 5)), m.randomNormal(new Shape(16)),
          m.randomNormal(new Shape(120, 400)), m.randomNormal(new Shape(120)));
    }
  }

  public static void main(String[] args) {
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      Weights w = Weights.random(m);
      NDArray r1 = Activation.relu(Conv2d.conv2d(w.x(), w.w1(), w.b1(), ONE, ZERO, ONE, 1).head());
      NDArray p1 = Pool.maxPool2d(r1, TWO, TWO, ZERO, false);
      NDArray r2 = Activation.relu(Conv2d.conv2d(p1, w.w2(), w.b2(), ONE, ZERO, ONE, 1).head());
      NDArray flat = Pool.maxPool2d(r2, TWO, TWO, ZERO, false).reshape(128, -1);
      for (int round = 1; round <= 2; round++) {
        System.out.println("# DJL / libtorch 2.5.1, round " + round);
        timed("conv1", () -> Conv2d.conv2d(w.x(), w.w1(), w.b1(), ONE, ZERO, ONE, 1).head());
        timed("relu1", () -> Activation.relu(r1));
        timed("pool1", () -> Pool.maxPool2d(r1, TWO, TWO, ZERO, false));
        timed("conv2", () -> Conv2d.conv2d(p1, w.w2(), w.b2(), ONE, ZERO, ONE, 1).head());
        timed("pool2", () -> Pool.maxPool2d(r2, TWO, TWO, ZERO, false));
        timed("gemm1", () -> Linear.linear(flat, w.l1(), w.c1()).head());
        // the engine's inference path for tiling windows (OpKernels.tiledMax): max of the 2x2 strided views
        timed("pool1-tiled", () -> {
          try (NDArray a = r1.get("..., 0::2, 0::2"); NDArray b = r1.get("..., 0::2, 1::2");
              NDArray c = r1.get("..., 1::2, 0::2"); NDArray d = r1.get("..., 1::2, 1::2");
              NDArray ab = a.maximum(b); NDArray cd = c.maximum(d)) {
            return ab.maximum(cd);
          }
        });
      }
    }
  }
}
