package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BnSparsityHookTest {

  /** Gradients and gamma values of the BN scale seen by a hook, per step. */
  private static final class Recorder implements GradientHook {
    final List<float[]> gradients = new ArrayList<>();
    final List<float[]> gammas = new ArrayList<>();
    final List<Integer> epochs = new ArrayList<>();

    @Override
    public void onGradient(String name, ai.djl.nn.Parameter parameter, ai.djl.ndarray.NDArray gradient, int epoch, int epochs) {
      if (BnSparsityHook.isBnScale(name, parameter)) {
        gradients.add(gradient.toFloatArray());
        gammas.add(parameter.getArray().toFloatArray());
        this.epochs.add(epoch);
      }
    }
  }

  private static void assertAddsExactly(BnSparsityHook hook, int epochs) {
    Recorder before = new Recorder();
    Recorder after = new Recorder();
    try (NDManager m = NDManager.newBaseManager(); Sgd sgd = Sgd.builder().optMomentum(0.9).build()) {
      Block net = Fixtures.tinyNet(m, 3);
      TrainingRun.builder().setBlock(net).setOptimizer(sgd).setSchedule(LrSchedule.constant(0.5)).setEpochs(epochs).setTrainData(Fixtures.separable(32, 1))
          .optGradientHook(before).optGradientHook(hook).optGradientHook(after).build().fit();
    }
    assertEquals(2 * epochs, before.gradients.size(), "one BN, two batches per epoch");
    for (int step = 0; step < before.gradients.size(); step++) {
      float s = (float) hook.strength(before.epochs.get(step), epochs);
      float[] g = before.gradients.get(step);
      float[] gamma = before.gammas.get(step);
      for (int c = 0; c < g.length; c++) {
        float expected = g[c] + s * Math.signum(gamma[c]);
        assertEquals(expected, after.gradients.get(step)[c], "step " + step + " channel " + c);
      }
    }
    assertTrue(before.gradients.get(0)[0] != after.gradients.get(0)[0]);
  }

  @Test
  void addsStrengthTimesSignOfGamma() {
    assertAddsExactly(BnSparsityHook.constant(0.01), 1);
  }

  @Test
  void decayedStrengthFallsLinearlyOverEpochs() {
    BnSparsityHook hook = BnSparsityHook.decaying(0.01);
    assertEquals(0.01, hook.strength(0, 4), 1e-15);
    assertEquals(0.01 * (1 - 0.9 * 3 / 4), hook.strength(3, 4), 1e-15);
    assertAddsExactly(hook, 2);
  }

  @Test
  void leavesOtherParametersAlone() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block net = Fixtures.tinyNet(m, 3);
      String conv = Fixtures.name(net, "Conv2d_weight");
      ai.djl.nn.Parameter convWeight = net.getParameters().get(conv);
      assertFalse(BnSparsityHook.isBnScale(conv, convWeight));
      assertTrue(BnSparsityHook.isBnScale("bn1.gamma", convWeight), "selected by name suffix too");
      ai.djl.ndarray.NDArray grad = m.zeros(convWeight.getArray().getShape());
      BnSparsityHook.constant(1).onGradient(conv, convWeight, grad, 0, 1);
      assertEquals(0f, grad.abs().sum().getFloat());
    }
  }
}
