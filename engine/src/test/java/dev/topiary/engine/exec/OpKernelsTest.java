package dev.topiary.engine.exec;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.Upsample;
import dev.topiary.engine.graph.ZeroPadShortcut;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Single ops against values computed by hand with PyTorch's semantics. */
class OpKernelsTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[] run(Op op, int[] shape, float[] values) {
    GraphBuilder b = Graph.builder("one-op");
    b.input("x", shape);
    b.add("op", op, "x");
    GraphBlock block = new GraphBlock(b.output("op").build());
    block.initialize(manager);
    long[] batched = new long[shape.length + 1];
    batched[0] = 1;
    for (int i = 0; i < shape.length; i++) {
      batched[i + 1] = shape[i];
    }
    NDArray out = block.infer(manager.create(values, new Shape(batched)));
    assertEquals(block.getOutputShapes(new Shape[] {new Shape(batched)})[0], out.getShape());
    return out.toFloatArray();
  }

  private static float[] oneToNine() {
    return new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
  }

  @Test
  void everyOpTypeHasAKernel() {
    for (OpType t : OpType.values()) {
      assertNotNull(OpKernels.of(t), t.jsonName());
    }
  }

  @Test
  void zeroPadShortcutSubsamplesAndPadsChannels() {
    // x[:, :, ::2, ::2] of 1..9 is [[1, 3], [7, 9]]; one zero channel before, one after
    float[] got = run(new ZeroPadShortcut(2, 1, 1), new int[] {1, 3, 3}, oneToNine());
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 3, 7, 9, 0, 0, 0, 0}, got);
  }

  @Test
  void zeroPadShortcutPadsAsymmetrically() {
    float[] got = run(new ZeroPadShortcut(1, 0, 2), new int[] {1, 1, 2}, new float[] {5, 6});
    assertArrayEquals(new float[] {5, 6, 0, 0, 0, 0}, got);
  }

  @Test
  void upsampleNearestRepeatsEachPixelIntoABlock() {
    float[] got = run(new Upsample(2), new int[] {1, 2, 2}, new float[] {1, 2, 3, 4});
    assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, got);
    got = run(new Upsample(3), new int[] {1, 1, 2}, new float[] {1, 2});
    assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2}, got);
  }

  @Test
  void averagePoolCountsPaddingOnlyWhenAsked() {
    // every 2x2 window with padding 1 holds one real value and three padded zeros
    AveragePool withPad = new AveragePool(Hw.square(2), Hw.square(2), Hw.square(1), false, true);
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f}, run(withPad, new int[] {1, 2, 2}, new float[] {1, 2, 3, 4}));
    AveragePool withoutPad = new AveragePool(Hw.square(2), Hw.square(2), Hw.square(1), false, false);
    assertArrayEquals(new float[] {1, 2, 3, 4}, run(withoutPad, new int[] {1, 2, 2}, new float[] {1, 2, 3, 4}));
  }

  @Test
  void averagePoolCeilModeDividesPartialWindowsByTheirSizeInsideTheInput() {
    // torch: windows past the input edge (beyond the padding) are not counted, even with count_include_pad
    AveragePool ceil = new AveragePool(Hw.square(2), Hw.square(2), Hw.square(0), true, true);
    float[] got = run(ceil, new int[] {1, 3, 3}, oneToNine());
    assertArrayEquals(new float[] {3f, 4.5f, 7.5f, 9f}, got, 1e-6f);
  }

  @Test
  void averagePoolMatchesTorchForEveryCeilAndPaddingCombination() {
    float[] x = ExecFixtures.uniform(25, -1, 1, 3);
    for (boolean ceil : new boolean[] {false, true}) {
      for (boolean countPad : new boolean[] {false, true}) {
        AveragePool op = new AveragePool(Hw.square(3), Hw.square(2), Hw.square(1), ceil, countPad);
        float[] expected = torchAvgPool(x, 5, 3, 2, 1, ceil, countPad);
        assertArrayEquals(expected, run(op, new int[] {1, 5, 5}, x), 1e-6f, "ceil " + ceil + ", count_include_pad " + countPad);
      }
    }
  }

  /** torch's CPU avg_pool2d, one square channel, written out. */
  private static float[] torchAvgPool(float[] x, int size, int k, int s, int p, boolean ceil, boolean countPad) {
    int num = size + 2 * p - k;
    int out = ceil ? (num + s - 1) / s + 1 : num / s + 1;
    if (ceil && (out - 1) * s >= size + p) {
      out--;
    }
    float[] y = new float[out * out];
    for (int oh = 0; oh < out; oh++) {
      for (int ow = 0; ow < out; ow++) {
        int h0 = oh * s - p;
        int w0 = ow * s - p;
        int h1 = Math.min(h0 + k, size + p);
        int w1 = Math.min(w0 + k, size + p);
        int poolSize = (h1 - h0) * (w1 - w0);
        h0 = Math.max(h0, 0);
        w0 = Math.max(w0, 0);
        h1 = Math.min(h1, size);
        w1 = Math.min(w1, size);
        float sum = 0;
        for (int h = h0; h < h1; h++) {
          for (int w = w0; w < w1; w++) {
            sum += x[h * size + w];
          }
        }
        y[oh * out + ow] = sum / (countPad ? poolSize : (h1 - h0) * (w1 - w0));
      }
    }
    return y;
  }

  @Test
  void maxPoolIgnoresPaddingEvenForNegativeInputs() {
    float[] x = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
    float[] got = run(new MaxPool(Hw.square(2), Hw.square(2), Hw.square(1), true), new int[] {1, 3, 3}, x);
    assertArrayEquals(new float[] {-1, -2, -4, -5}, got);
  }

  @Test
  void tiledMaxEqualsMaxPool2dWhereWindowsTile() {
    // random values with ties and a NaN, odd sizes (floor mode drops the last row and column)
    java.util.Random r = new java.util.Random(3);
    for (int[] c : new int[][] {{2, 2, 8, 8, 0}, {2, 2, 7, 9, 0}, {3, 3, 9, 7, 0}, {1, 2, 4, 6, 0}, {2, 2, 6, 6, 1}}) {
      MaxPool mp = new MaxPool(new Hw(c[0], c[1]), new Hw(c[0], c[1]), Hw.square(0), c[4] == 1);
      Shape shape = new Shape(2, 3, c[2], c[3]);
      float[] v = new float[(int) shape.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextInt(7) - 3; // small integers: many ties
      }
      v[5] = Float.NaN;
      NDArray x = manager.create(v, shape);
      assertTrue(OpKernels.tiles(mp, shape), mp.toString());
      NDArray expected = ai.djl.nn.pooling.Pool.maxPool2d(x, new Shape(c[0], c[1]), new Shape(c[0], c[1]), new Shape(0, 0), c[4] == 1);
      NDArray got = OpKernels.tiledMax(x, mp.kernel());
      assertEquals(expected.getShape(), got.getShape(), mp.toString());
      assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), mp.toString());
    }
    // overlapping, padded, too large or ceil-mode partial windows keep max_pool2d
    assertFalse(OpKernels.tiles(new MaxPool(Hw.square(3), Hw.square(2), Hw.square(0), false), new Shape(1, 1, 8, 8)));
    assertFalse(OpKernels.tiles(new MaxPool(Hw.square(2), Hw.square(2), Hw.square(1), false), new Shape(1, 1, 8, 8)));
    assertFalse(OpKernels.tiles(new MaxPool(Hw.square(4), Hw.square(4), Hw.square(0), false), new Shape(1, 1, 8, 8)));
    assertFalse(OpKernels.tiles(new MaxPool(Hw.square(2), Hw.square(2), Hw.square(0), true), new Shape(1, 1, 7, 8)));
  }

  @Test
  void maxPoolInferenceAndTrainingAgreeOnValues() {
    float[] x = new float[36];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7) % 11 - 5;
    }
    MaxPool mp = new MaxPool(Hw.square(2), Hw.square(2), Hw.square(0), false);
    float[] inferred = run(mp, new int[] {1, 6, 6}, x); // infer turns grad off: the tiled path
    GraphBuilder b = Graph.builder("pool");
    b.input("x", new int[] {1, 6, 6});
    b.add("op", mp, "x");
    GraphBlock block = new GraphBlock(b.output("op").build());
    block.initialize(manager);
    float[] withGrad;
    try (GradMode.Scope s = GradMode.enabled()) { // as in training: max_pool2d
      NDList out = block.forward(new ai.djl.training.ParameterStore(manager, false), new NDList(manager.create(x, new Shape(1, 1, 6, 6))), false);
      withGrad = out.head().toFloatArray();
    }
    assertArrayEquals(withGrad, inferred);
    assertArrayEquals(new float[] {4, 5, 1, 2, 5, 4, 5, 1, 4}, inferred);
  }

  @Test
  void hardSwishMatchesTorchDefinition() {
    float[] x = {-4, -3, -1, 0, 1, 3, 4};
    float[] got = run(new HardSwish(), new int[] {7}, x);
    for (int i = 0; i < x.length; i++) {
      float expected = x[i] * Math.min(6, Math.max(0, x[i] + 3)) / 6;
      assertEquals(expected, got[i], 1e-6f, "x = " + x[i]);
    }
  }

  @Test
  void hardSwishTrainsWithLibtorchGradient() {
    // torch.nn.Hardswish's backward: 0 below -3, x / 3 + 0.5 from -3 on, 1 above 3 (x = 3 itself
    // differs between libtorch's vector and scalar kernels, so it is left out)
    float[][] pass = trainPass(new HardSwish(), new float[] {-4, -3, -1.5f, 0, 1.5f, 4});
    assertArrayEquals(new float[] {0, 0, -0.375f, 0, 1.125f, 4}, pass[0], 1e-6f);
    assertArrayEquals(new float[] {0, -0.5f, 0, 0.5f, 1, 1}, pass[1], 1e-6f);
  }

  /** One training-mode pass of a one-op graph over a [1, n] input: its values, then d(sum of them)/dx. */
  private float[][] trainPass(Op op, float[] x) {
    GraphBuilder b = Graph.builder("one-op");
    b.input("x", new int[] {x.length});
    b.add("op", op, "x");
    GraphBlock block = new GraphBlock(b.output("op").build());
    block.initialize(manager);
    NDArray input = manager.create(x, new Shape(1, x.length));
    input.setRequiresGradient(true);
    float[] values;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray y = block.forward(new ParameterStore(manager, false), new NDList(input), true).singletonOrThrow();
      values = y.toFloatArray();
      collector.backward(y.sum());
    }
    return new float[][] {values, input.getGradient().toFloatArray()};
  }

  @Test
  void clipTrainsWithTorchHardtanhGradientAndClampValues() {
    // torch.nn.ReLU6: values clamped to [0, 6]; gradient 1 strictly inside, 0 outside and at the bounds
    float[] x = {-2, 0, 0.5f, 3, 6, 7.5f};
    float[][] pass = trainPass(Clip.relu6(), x);
    assertArrayEquals(new float[] {0, 0, 0.5f, 3, 6, 6}, pass[0]);
    assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, pass[1]);
    assertArrayEquals(new float[] {0, 0, 0.5f, 3, 6, 6}, run(Clip.relu6(), new int[] {6}, x), "inference: the same values");
  }
}

