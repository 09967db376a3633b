import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/**
 * LeNet-5's training calls one by one (batch 128): each call's forward and backward, timed from the
 * call to the end of backward of sum(output * g). Leaves are fresh copies each time; every array of an
 * iteration lives in a sub-manager closed after it. Weights as LenetOps. Twin of lenet_train_ops.py.
 */
public class LenetTrainOps {
  static final int WARMUP = 50;
  static final int TIMED = 300;

  static void time(String name, NDManager root, NDArray[] leaves, NDArray g, Function<NDArray[], NDArray> call) {
    long total = 0;
    for (int i = 0; i < WARMUP + TIMED; i++) {
      try (NDManager s = root.newSubManager()) {
        NDArray[] ls = new NDArray[leaves.length];
        for (int k = 0; k < ls.length; k++) {
          ls[k] = leaves[k].duplicate();
          ls[k].attach(s);
          ls[k].setRequiresGradient(true);
        }
        long t0 = System.nanoTime();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = call.apply(ls);
          y.attach(s);
          gc.backward(y.mul(g).sum());
        }
        if (i >= WARMUP) {
          total += System.nanoTime() - t0;
        }
      }
    }
    System.out.printf("%-8s %7.0f us%n", name, total / 1e3 / TIMED);
  }

  public static void main(String[] args) {
    try (NDManager m = NDManager.newBaseManager()) {
      LenetOps.Weights w = LenetOps.Weights.random(m);
      NDArray p1 = m.randomNormal(new Shape(128, 6, 14, 14));
      NDArray r1 = m.randomNormal(new Shape(128, 6, 28, 28)).maximum(0f);
      NDArray r2 = m.randomNormal(new Shape(128, 16, 10, 10)).maximum(0f);
      NDArray f = m.randomNormal(new Shape(128, 400));
      time("conv1", m, new NDArray[] {w.w1(), w.b1()}, m.randomNormal(new Shape(128, 6, 28, 28)), l -> Conv2d.conv2d(w.x(), l[0], l[1], LenetOps.ONE, LenetOps.ZERO, LenetOps.ONE, 1).head());
      time("relu1", m, new NDArray[] {r1}, m.randomNormal(new Shape(128, 6, 28, 28)), l -> Activation.relu(l[0]));
      time("pool1", m, new NDArray[] {r1}, m.randomNormal(new Shape(128, 6, 14, 14)), l -> Pool.maxPool2d(l[0], LenetOps.TWO, LenetOps.TWO, LenetOps.ZERO, false));
      time("conv2", m, new NDArray[] {p1, w.w2(), w.b2()}, m.randomNormal(new Shape(128, 16, 10, 10)), l -> Conv2d.conv2d(l[0], l[1], l[2], LenetOps.ONE, LenetOps.ZERO, LenetOps.ONE, 1).head());
      time("pool2", m, new NDArray[] {r2}, m.randomNormal(new Shape(128, 16, 5, 5)), l -> Pool.maxPool2d(l[0], LenetOps.TWO, LenetOps.TWO, LenetOps.ZERO, false));
      time("linear1", m, new NDArray[] {f, w.l1(), w.c1()}, m.randomNormal(new Shape(128, 120)), l -> Linear.linear(l[0], l[1], l[2]).head());
    }
  }
}
