package dev.topiary.engine.weights;

import static dev.topiary.engine.weights.SafetensorsBytes.f32;
import static dev.topiary.engine.weights.SafetensorsBytes.file;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidWeightsException;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsTest {
  @TempDir Path dir;

  private static final ParamKey CONV_W = new ParamKey("layer1.0.conv1", ParamRole.WEIGHT);
  private static final ParamKey BN_MEAN = new ParamKey("layer1.0.bn1", ParamRole.RUNNING_MEAN);
  private static final ParamKey BN_GAMMA = new ParamKey("layer1.0.bn1", ParamRole.GAMMA);
  private static final ParamKey FC_W = new ParamKey("fc", ParamRole.WEIGHT);
  private static final ParamKey FC_B = new ParamKey("fc", ParamRole.BIAS);

  private static Weights sample() {
    Weights w = new Weights();
    w.put(CONV_W, new Tensor(new int[] {4, 3, 3, 3}, new float[108]));
    w.put(BN_MEAN, new Tensor(new int[] {4}, new float[] {0.5f, -0.0f, Float.NaN, 1e-40f}));
    w.put(FC_W, new Tensor(new int[] {10, 4}, new float[40]));
    return w;
  }

  @Test
  void roundTripThroughFileKeepsEveryParameterWithDottedNodeNames() throws IOException {
    Weights original = sample();
    Path path = dir.resolve("model.safetensors");
    original.write(path, Map.of("arch", "resnet56"));

    Weights back = Weights.read(path);

    assertEquals(List.of(FC_W, BN_MEAN, CONV_W), List.copyOf(back.keys())); // by tensor name
    for (ParamKey key : original.keys()) {
      assertEquals(original.get(key), back.get(key), key.tensorName());
    }
    assertEquals(Map.of("arch", "resnet56"), SafetensorsFile.read(path).metadata());
    assertEquals(back.get(BN_MEAN), Weights.read(original.toBytes(), "mem").get(BN_MEAN));
  }

  @Test
  void keysKeepInsertionOrderAndCannotBeModified() {
    Weights w = sample();
    assertEquals(List.of(CONV_W, BN_MEAN, FC_W), List.copyOf(w.keys()));
    assertThrows(UnsupportedOperationException.class, () -> w.keys().remove(FC_W));

    Tensor replaced = w.put(CONV_W, Tensor.zeros(1));
    assertEquals(List.of(CONV_W, BN_MEAN, FC_W), List.copyOf(w.keys()));
    assertEquals(108, replaced.data().length);
    assertEquals(40, w.remove(FC_W).data().length);
    assertNull(w.remove(FC_B));
    assertEquals(List.of(CONV_W, BN_MEAN), List.copyOf(w.keys()));
    assertEquals(2, w.size());
  }

  @Test
  void getNamesTheAbsentParameter() {
    InvalidWeightsException e =
        assertThrows(InvalidWeightsException.class, () -> sample().get(FC_B));
    assertTrue(e.getMessage().contains("fc.bias"), e.getMessage());
  }

  @Test
  void readRejectsTensorNameThatIsNotAParamKey() throws IOException {
    for (String name : List.of("conv1.kernel", "weight", "conv1.")) {
      Path path = dir.resolve("bad-name.safetensors");
      String json = "{\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
      Files.write(path, file(json, f32(1)));

      InvalidWeightsException e =
          assertThrows(InvalidWeightsException.class, () -> Weights.read(path));

      assertTrue(e.getMessage().contains("bad-name.safetensors"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
      assertTrue(e.getMessage().contains("running_mean"), e.getMessage()); // lists the roles
    }
  }

  @Test
  void checkAgainstAcceptsExactlyTheExpectedShapes() {
    Map<ParamKey, int[]> expected = new LinkedHashMap<>();
    expected.put(FC_W, new int[] {10, 4});
    expected.put(CONV_W, new int[] {4, 3, 3, 3});
    expected.put(BN_MEAN, new int[] {4});
    assertDoesNotThrow(() -> sample().checkAgainst(expected, "model.safetensors"));
  }

  @Test
  void checkAgainstReportsWrongShapeMissingAndUnexpectedTensorsOnePerLine() {
    Map<ParamKey, int[]> expected = new LinkedHashMap<>();
    expected.put(FC_B, new int[] {10}); // missing from the weights
    expected.put(CONV_W, new int[] {8, 3, 3, 3}); // weights have 4 output channels
    expected.put(BN_MEAN, new int[] {4});
    expected.put(BN_GAMMA, new int[] {4}); // missing too
    // FC_W is in the weights but not expected

    InvalidWeightsException e = assertThrows(InvalidWeightsException.class,
        () -> sample().checkAgainst(expected, "pruned.safetensors"));

    List<String> lines = e.getMessage().lines().map(String::strip).toList();
    assertEquals(
        List.of(
            "pruned.safetensors: weights do not fit the graph (4 problems):",
            "wrong shape for layer1.0.conv1.weight: weights have [4, 3, 3, 3],"
                + " the graph expects [8, 3, 3, 3]",
            "missing fc.bias: the graph expects shape [10]",
            "missing layer1.0.bn1.gamma: the graph expects shape [4]",
            "unexpected fc.weight with shape [10, 4]: not a parameter of the graph"),
        lines);
  }
}
