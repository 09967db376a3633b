package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values computed by hand with torch.optim.SGD's rule (see the class javadoc of Sgd). */
class SgdTest {
  private static final float[][] GRADIENTS = {{0.5f, 0.25f}, {-1f, 0.5f}, {0.25f, -0.75f}};
  private static final double[] LRS = {0.1, 0.1, 0.05};
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private float[][] threeSteps(Sgd sgd, float... start) {
    Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
    p.setArray(manager.create(start));
    float[][] after = new float[3][];
    for (int i = 0; i < 3; i++) {
      sgd.update("w", p, manager.create(GRADIENTS[i]), LRS[i]);
      after[i] = p.getArray().toFloatArray();
    }
    return after;
  }

  private static void assertSteps(double[][] expected, float[][] actual) {
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        assertEquals(expected[i][j], actual[i][j], 1e-6, "step " + (i + 1) + " element " + j);
      }
    }
  }

  @Test
  void matchesTorchWithMomentumAndWeightDecay() {
    try (Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(0.01).build()) {
      // step 1: d = g + 0.01 w = [0.51, 0.23]; buf = d; w = [1 - 0.051, -2 - 0.023]
      assertSteps(new double[][] {{0.949, -2.023}, {1.002151, -2.091677}, {1.0130678745, -2.0840358115}}, threeSteps(sgd, 1f, -2f));
      assertEquals(1, sgd.momentumBuffers().size());
    }
  }

  @Test
  void matchesTorchWithNesterov() {
    try (Sgd sgd = Sgd.builder().optMomentum(0.9).optNesterov(true).optWeightDecay(0.01).build()) {
      assertSteps(new double[][] {{0.9031, -2.0437}, {1.05007411, -2.15344697}, {1.0468712840955, -2.1079569968785}}, threeSteps(sgd, 1f, -2f));
    }
  }

  @Test
  void firstStepTakesTheGradientUndampened() {
    try (Sgd sgd = Sgd.builder().optMomentum(0.9).optDampening(0.5).build()) {
      assertSteps(new double[][] {{0.95, -2.025}, {0.955, -2.0725}, {0.951, -2.075125}}, threeSteps(sgd, 1f, -2f));
    }
  }

  @Test
  void plainSgdWithWeightDecayKeepsNoState() {
    try (Sgd sgd = Sgd.builder().optWeightDecay(0.1).build()) {
      assertSteps(new double[][] {{0.94, -2.005}, {1.0306, -2.03495}, {1.012947, -1.98727525}}, threeSteps(sgd, 1f, -2f));
      assertTrue(sgd.momentumBuffers().isEmpty());
    }
  }

  @Test
  void exemptsOneDimensionalParametersFromDecayOnlyWhenAsked() {
    try (Sgd sgd = Sgd.builder().optWeightDecay(0.1).optNoDecayOnOneDimensional(true).build()) {
      // without decay: w = [1 - 0.05, -2 - 0.025]
      assertSteps(new double[][] {{0.95, -2.025}}, threeSteps(sgd, 1f, -2f));
    }
  }

  @Test
  void restoredMomentumContinuesLikeTheOriginal() {
    float[][] reference;
    try (Sgd sgd = Sgd.builder().optMomentum(0.9).build()) {
      reference = threeSteps(sgd, 1f, -2f);
    }
    try (Sgd first = Sgd.builder().optMomentum(0.9).build(); Sgd second = Sgd.builder().optMomentum(0.9).build()) {
      Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      p.setArray(manager.create(new float[] {1f, -2f}));
      first.update("w", p, manager.create(GRADIENTS[0]), LRS[0]);
      second.restoreMomentumBuffers(first.momentumBuffers(), manager);
      NDArray buffer = first.momentumBuffers().get("w");
      second.update("w", p, manager.create(GRADIENTS[1]), LRS[1]);
      assertArrayEquals(new float[] {0.5f, 0.25f}, buffer.toFloatArray(), "the copy must not share the original buffer");
      second.update("w", p, manager.create(GRADIENTS[2]), LRS[2]);
      assertArrayEquals(reference[2], p.getArray().toFloatArray());
    }
  }

  @Test
  void rejectsNesterovWithoutMomentumNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder().optNesterov(true).build());
    assertTrue(e.getMessage().startsWith("nesterov:"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Sgd.builder().optWeightDecay(-1).build());
    assertTrue(e.getMessage().startsWith("weightDecay:"), e.getMessage());
  }

  /** updateAll (one TorchScript call of torch's _foreach kernels once the buffers exist) equals update, bit for bit. */
  @Test
  void updateAllMatchesOneParameterAtATimeBitForBit() {
    Sgd[] configs = {
        Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build(),
        Sgd.builder().optMomentum(0.9).optNesterov(true).optWeightDecay(1e-3).optNoDecayOnOneDimensional(true).build(),
        Sgd.builder().optMomentum(0.8).optDampening(0.25).optWeightDecay(1e-2).build(),
        Sgd.builder().optWeightDecay(5e-4).build()};
    Sgd[] twins = {
        Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build(),
        Sgd.builder().optMomentum(0.9).optNesterov(true).optWeightDecay(1e-3).optNoDecayOnOneDimensional(true).build(),
        Sgd.builder().optMomentum(0.8).optDampening(0.25).optWeightDecay(1e-2).build(),
        Sgd.builder().optWeightDecay(5e-4).build()};
    long[][] shapes = {{4, 3, 3, 3}, {4}, {10, 4}};
    for (int c = 0; c < configs.length; c++) {
      try (Sgd one = configs[c]; Sgd all = twins[c]) {
        manager.getEngine().setRandomSeed(7 + c);
        Parameter[] a = new Parameter[shapes.length];
        Parameter[] b = new Parameter[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
          NDArray w = manager.randomNormal(new Shape(shapes[i]));
          a[i] = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
          b[i] = Parameter.builder().setName("p" + i).setType(Parameter.Type.WEIGHT).build();
          a[i].setArray(w.duplicate());
          b[i].setArray(w.duplicate());
        }
        double[] lrs = {0.1, 0.1, 0.05, 0.02};
        for (int step = 0; step < lrs.length; step++) {
          List<Sgd.Step> steps = new ArrayList<>();
          NDArray[] given = new NDArray[shapes.length];
          for (int i = 0; i < shapes.length; i++) {
            NDArray g = manager.randomNormal(new Shape(shapes[i]));
            one.update("p" + i, a[i], g.duplicate(), lrs[step]);
            given[i] = g;
            steps.add(new Sgd.Step("p" + i, b[i], g));
          }
          all.updateAll(steps, lrs[step]);
          for (int i = 0; i < shapes.length; i++) {
            assertArrayEquals(a[i].getArray().toFloatArray(), b[i].getArray().toFloatArray(), "config " + c + " step " + step + " p" + i);
            if (step > 0 || all.momentum() == 0f) { // the batched call (the first step with momentum creates buffers one by one)
              assertEquals(0f, given[i].abs().sum().getFloat(), "the batched step zeroes the gradients it consumed");
            }
          }
        }
        assertEquals(one.momentumBuffers().keySet(), all.momentumBuffers().keySet());
        for (String k : one.momentumBuffers().keySet()) {
          assertArrayEquals(one.momentumBuffers().get(k).toFloatArray(), all.momentumBuffers().get(k).toFloatArray(), k);
        }
      }
    }
  }

  /** YOLOv5's momentum warm-up: a step's momentum given per call acts as an optimizer built with it. */
  @Test
  void momentumGivenPerStepActsAsThatMomentum() {
    try (Sgd warming = Sgd.builder().optMomentum(0.937).optNesterov(true).build();
        Sgd fixed = Sgd.builder().optMomentum(0.8).optNesterov(true).build()) {
      Parameter a = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      Parameter b = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).build();
      a.setArray(manager.create(new float[] {1f, -2f}));
      b.setArray(manager.create(new float[] {1f, -2f}));
      for (int i = 0; i < 3; i++) {
        NDArray g = manager.create(GRADIENTS[i]);
        warming.updateAll(List.of(new Sgd.Step("w", a, g.duplicate())), LRS[i], 0.8);
        fixed.updateAll(List.of(new Sgd.Step("w", b, g)), LRS[i]);
        assertArrayEquals(b.getArray().toFloatArray(), a.getArray().toFloatArray(), "step " + i);
      }
      assertThrows(IllegalArgumentException.class, () -> Sgd.builder().build().updateAll(List.of(), 0.1, 0.9));
    }
  }
}
