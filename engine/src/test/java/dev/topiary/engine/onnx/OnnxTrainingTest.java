package dev.topiary.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.model.Model;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every imported family trains: a training-mode pass at batch 32 and its backward give a finite
 * gradient for every parameter. (An imported ResNet's first fine-tuning step once crashed the
 * process inside oneDNN: see {@code CpuConvRoutes#crashesOneDnn}.)
 */
class OnnxTrainingTest {
  /** One fixture per family, BatchNorm kept, as a user prunes and fine-tunes it. */
  static Stream<OnnxFixtures.Fixture> families() {
    Map<String, OnnxFixtures.Fixture> one = new LinkedHashMap<>();
    for (OnnxFixtures.Fixture f : OnnxFixtures.all()) {
      if (f.bn() && f.file().endsWith("-op13.onnx")) {
        one.putIfAbsent(f.family(), f);
      }
    }
    return one.values().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void aTrainingStepGivesEveryParameterAFiniteGradient(OnnxFixtures.Fixture f) {
    Model m = OnnxImporter.builder().build().importFile(f.path());
    int[] sample = m.graph().inputs().get(0).shape().toArray();
    long[] shape = new long[sample.length + 1];
    shape[0] = 32;
    for (int i = 0; i < sample.length; i++) {
      shape[i + 1] = sample[i];
    }
    try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
      GraphBlock block = BlockWeights.load(m, manager);
      int trainable = 0;
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (p.getValue().requiresGradient()) {
          p.getValue().getArray().setRequiresGradient(true);
          trainable++;
        }
      }
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(shape))), true);
        NDArray loss = out.head().square().mean();
        for (int i = 1; i < out.size(); i++) {
          loss = loss.add(out.get(i).square().mean());
        }
        gc.backward(loss);
      }
      assertTrue(trainable > 0, f.file());
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (p.getValue().requiresGradient()) {
          float[] g = p.getValue().getArray().getGradient().toFloatArray();
          for (float v : g) {
            assertFalse(Float.isNaN(v) || Float.isInfinite(v), f.file() + ": " + p.getKey() + " has a non-finite gradient");
          }
        }
      }
    }
  }
}
