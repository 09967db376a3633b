package dev.topiary.engine.prune.sparse;

import static dev.topiary.engine.prune.sparse.SparseFixtures.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.topiary.engine.InvalidPruningConfigException;
import dev.topiary.engine.exec.BlockWeights;
import dev.topiary.engine.exec.GraphBlock;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.model.Model;
import dev.topiary.engine.train.EpochData;
import dev.topiary.engine.train.LrSchedule;
import dev.topiary.engine.train.Sgd;
import dev.topiary.engine.train.TrainingRun;
import dev.topiary.engine.weights.SafetensorsFile;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.engine.zoo.Zoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparsityMaskTest {
  private static final Model TINY = SparseFixtures.randomModel(SparseFixtures.tinyGraph(), 2);

  @Test
  void appliesToANewDenseModelAndLeavesTheGraphAndOtherTensorsAlone() {
    SparsityMask mask = MagnitudePruner.layerwise(TINY, SparsityRules.parse("Conv=0.5"));
    Model sparse = mask.applyTo(TINY);
    assertSame(TINY.graph(), sparse.graph());
    assertSame(TINY.weights().get(weight("fc")), sparse.weights().get(weight("fc")), "unmasked tensors are shared");
    float[] before = TINY.weights().get(weight("conv1")).data();
    float[] after = sparse.weights().get(weight("conv1")).data();
    boolean[] keep = mask.keep(weight("conv1"));
    for (int i = 0; i < after.length; i++) {
      assertEquals(keep[i] ? before[i] : 0f, after[i], "element " + i);
    }
    assertTrue(before[firstPruned(keep)] != 0f, "the input model keeps its values");
  }

  @Test
  void convertsToZeroOneFloatArraysByParameterName() {
    SparsityMask mask = MagnitudePruner.layerwise(TINY, SparsityRules.uniform(0.25));
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> arrays = mask.toNDArrays(manager);
      assertEquals(List.of("conv1.weight", "fc.weight"), List.copyOf(arrays.keySet()));
      NDArray conv = arrays.get("conv1.weight");
      assertEquals(new Shape(2, 8, 1, 2), conv.getShape());
      float[] values = conv.toFloatArray();
      boolean[] keep = mask.keep(weight("conv1"));
      for (int i = 0; i < values.length; i++) {
        assertEquals(keep[i] ? 1f : 0f, values[i]);
      }
    }
  }

  @Test
  void roundTripsThroughAFileNextToTheModel(@TempDir Path dir) throws Exception {
    SparsityMask mask = MagnitudePruner.layerwise(TINY, SparsityRules.parse("Conv=0.5; Gemm=0.75"));
    TINY.save(dir);
    mask.writeTo(dir);
    SparsityMask read = SparsityMask.readFrom(dir, Model.load(dir).graph());
    assertEquals(mask.keys(), read.keys());
    for (ParamKey k : mask.keys()) {
      assertArrayEquals(mask.keep(k), read.keep(k), k.tensorName());
      assertArrayEquals(mask.shape(k), read.shape(k));
    }
    assertEquals(27, read.pruned(weight("fc")));
    Map<String, Tensor> raw = SafetensorsFile.read(dir.resolve(SparsityMask.FILE_NAME)).tensors();
    assertEquals(List.of("conv1.weight", "fc.weight"), List.copyOf(raw.keySet()));
  }

  @Test
  void rejectsAMaskOfTheWrongShapeNamingParameterAndBothShapes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("masks.safetensors");
    float[] ones = new float[32];
    java.util.Arrays.fill(ones, 1f);
    new SafetensorsFile(Map.of("conv1.weight", new Tensor(new int[] {2, 8, 2, 1}, ones))).write(file);
    InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.read(file, TINY.graph()));
    assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("[2, 8, 2, 1]") && e.getMessage().contains("[2, 8, 1, 2]"), e.getMessage());
    // masks saved for another graph: LeNet's conv1 is [6, 1, 5, 5]
    Model lenet = SparseFixtures.randomModel(Zoo.build("lenet5"), 1);
    MagnitudePruner.layerwise(lenet, SparsityRules.parse("node:conv1=0.5")).write(file);
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.read(file, TINY.graph()));
    assertTrue(e.getMessage().contains("conv1.weight") && e.getMessage().contains("[6, 1, 5, 5]") && e.getMessage().contains("[2, 8, 1, 2]"), e.getMessage());
  }

  @Test
  void rejectsMasksForOtherParametersOrWithValuesOtherThanZeroAndOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("m.safetensors");
    new SafetensorsFile(Map.of("bn1.gamma", new Tensor(new int[] {2}, new float[] {1, 0}))).write(file);
    InvalidPruningConfigException e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.read(file, TINY.graph()));
    assertTrue(e.getMessage().contains("'bn1.gamma'"), e.getMessage());
    new SafetensorsFile(Map.of("bn1.weight", new Tensor(new int[] {2}, new float[] {1, 0}))).write(file);
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.read(file, TINY.graph()));
    assertTrue(e.getMessage().contains("bn1") && e.getMessage().contains("not a Conv or Gemm"), e.getMessage());
    float[] half = new float[36];
    half[3] = 0.5f;
    new SafetensorsFile(Map.of("fc.weight", new Tensor(new int[] {3, 12}, half))).write(file);
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.read(file, TINY.graph()));
    assertTrue(e.getMessage().contains("fc.weight") && e.getMessage().contains("0.5"), e.getMessage());
    e = assertThrows(InvalidPruningConfigException.class, () -> SparsityMask.of(TINY.graph(), Map.of(weight("fc"), new boolean[35])));
    assertTrue(e.getMessage().contains("fc.weight") && e.getMessage().contains("[3, 12]"), e.getMessage());
  }

  @Test
  void maskedWeightsStayExactlyZeroThroughFineTuningWithMomentumAndDecay() {
    try (NDManager manager = NDManager.newBaseManager(); Sgd sgd = Sgd.builder().optMomentum(0.9).optWeightDecay(5e-4).build()) {
      GraphBlock block = new GraphBlock(Zoo.build("lenet5"), 4);
      block.initialize(manager);
      Model dense = BlockWeights.toModel(block, List.of());
      SparsityMask mask = MagnitudePruner.layerwise(dense, SparsityRules.uniform(0.5));
      Model sparse = mask.applyTo(dense);
      BlockWeights.copyInto(sparse.weights(), block);
      TrainingRun.builder().setBlock(block).setOptimizer(sgd).setSchedule(LrSchedule.constant(0.05)).setEpochs(1)
          .setTrainData(randomDigits(3)).optMasks(mask.toNDArrays(manager)).build().fit();
      Weights tuned = BlockWeights.export(block);
      for (ParamKey k : mask.keys()) {
        float[] before = sparse.weights().get(k).data();
        float[] after = tuned.get(k).data();
        boolean[] keep = mask.keep(k);
        for (int i = 0; i < after.length; i++) {
          if (keep[i]) {
            assertNotEquals(before[i], after[i], k + "[" + i + "] is kept and must train");
          } else {
            assertTrue(after[i] == 0.0f, k + "[" + i + "] is masked but is " + after[i]);
          }
        }
      }
      assertNotEquals(sparse.weights().get(new ParamKey("fc3", ParamRole.BIAS)).data()[0], tuned.get(new ParamKey("fc3", ParamRole.BIAS)).data()[0]);
    }
  }

  /** {@code batches} batches of 16 random 1x28x28 images with labels 0..9, the same every epoch. */
  private static EpochData randomDigits(int batches) {
    return (epoch, manager) -> {
      Random r = new Random(9);
      List<NDList> out = new ArrayList<>();
      for (int b = 0; b < batches; b++) {
        float[] x = new float[16 * 28 * 28];
        long[] y = new long[16];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
          y[i] = i % 10;
        }
        out.add(new NDList(manager.create(x, new Shape(16, 1, 28, 28)), manager.create(y)));
      }
      return out;
    };
  }

  private static int firstPruned(boolean[] keep) {
    for (int i = 0; i < keep.length; i++) {
      if (!keep[i]) {
        return i;
      }
    }
    throw new AssertionError("nothing pruned");
  }
}
