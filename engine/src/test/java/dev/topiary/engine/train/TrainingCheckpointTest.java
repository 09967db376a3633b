package dev.topiary.engine.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.topiary.engine.InvalidWeightsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCheckpointTest {

  @Test
  void roundTripsNamesTypesShapesAndBits(@TempDir Path dir) {
    Path file = TrainingCheckpoint.fileIn(dir.resolve("run"));
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray weights = m.create(new float[] {1.5f, -0f, Float.MIN_VALUE, 3e38f, 7f, 8f}, new Shape(2, 3));
      NDArray counts = m.create(new long[] {Long.MAX_VALUE, -1});
      NDArray buffer = m.create(new float[] {0.25f});
      new TrainingCheckpoint(4, -9L, Map.of("conv1.weight", weights, "bn1.num_batches", counts), Map.of("conv1.weight", buffer)).write(file);
      assertFalse(Files.exists(file.resolveSibling(file.getFileName() + ".tmp")), "the temporary file is renamed away");

      TrainingCheckpoint read = TrainingCheckpoint.read(file, m);
      assertEquals(4, read.epochsCompleted());
      assertEquals(-9L, read.seed());
      NDArray w = read.parameters().get("conv1.weight");
      assertEquals(new Shape(2, 3), w.getShape());
      assertArrayEquals(weights.toFloatArray(), w.toFloatArray());
      assertEquals(DataType.INT64, read.parameters().get("bn1.num_batches").getDataType());
      assertArrayEquals(new long[] {Long.MAX_VALUE, -1}, read.parameters().get("bn1.num_batches").toLongArray());
      assertArrayEquals(new float[] {0.25f}, read.momentum().get("conv1.weight").toFloatArray());
    }
  }

  @Test
  void rejectsTruncatedFileNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.bin");
    try (NDManager m = NDManager.newBaseManager()) {
      new TrainingCheckpoint(1, 0, Map.of("w", m.ones(new Shape(8))), Map.of()).write(file);
      byte[] bytes = Files.readAllBytes(file);
      Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));
      InvalidWeightsException e = assertThrows(InvalidWeightsException.class, () -> TrainingCheckpoint.read(file, m));
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
      Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
      e = assertThrows(InvalidWeightsException.class, () -> TrainingCheckpoint.read(file, m));
      assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }
  }

  @Test
  void restoreRejectsParameterOfAnotherShapeNamingBoth() {
    try (NDManager m = NDManager.newBaseManager(); Sgd sgd = Sgd.builder().build()) {
      Block net = Fixtures.tinyNet(m, 1);
      Map<String, Parameter> parameters = new LinkedHashMap<>();
      Map<String, NDArray> saved = new LinkedHashMap<>();
      for (Pair<String, Parameter> p : net.getParameters()) {
        parameters.put(p.getKey(), p.getValue());
        saved.put(p.getKey(), p.getValue().getArray());
      }
      String conv = Fixtures.name(net, "Conv2d_weight");
      saved.put(conv, m.zeros(new Shape(2, 3, 3, 3)));
      TrainingCheckpoint checkpoint = new TrainingCheckpoint(1, 0, saved, Map.of());
      InvalidWeightsException e = assertThrows(InvalidWeightsException.class, () -> checkpoint.restoreInto(parameters, sgd, m, Path.of("x.bin")));
      assertTrue(e.getMessage().contains("'" + conv + "'") && e.getMessage().contains("(2, 3, 3, 3)") && e.getMessage().contains("(4, 3, 3, 3)"), e.getMessage());
    }
  }

  @Test
  void roundTripsADetectorsAverageGradientsAndCounters(@TempDir Path dir) {
    Path file = dir.resolve("c.bin");
    try (NDManager m = NDManager.newBaseManager()) {
      new TrainingCheckpoint(2, 5, Map.of("w", m.create(new float[] {1f})), Map.of(), Map.of("w", m.create(new float[] {0.5f})),
          Map.of("w", m.create(new float[] {-3f})), Map.of("iteration", 12L, "lastStep", 10L)).write(file);
      TrainingCheckpoint read = TrainingCheckpoint.read(file, m);
      assertArrayEquals(new float[] {0.5f}, read.average().get("w").toFloatArray());
      assertArrayEquals(new float[] {-3f}, read.gradients().get("w").toFloatArray());
      assertEquals(12L, read.counter("iteration", file));
      InvalidWeightsException e = assertThrows(InvalidWeightsException.class, () -> read.counter("emaUpdates", file));
      assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("'emaUpdates' is missing"), e.getMessage());
    }
  }

  @Test
  void readsVersionOneFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("v1.bin");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.write("TOPIARY-CKPT".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.writeInt(1);
      out.writeInt(3);
      out.writeLong(7);
      out.writeInt(1);
      out.writeUTF("param");
      out.writeUTF("w");
      out.writeUTF("FLOAT32");
      out.writeInt(1);
      out.writeLong(1);
      out.writeLong(4);
      out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putFloat(2.5f).array());
    }
    Files.write(file, bytes.toByteArray());
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingCheckpoint read = TrainingCheckpoint.read(file, m);
      assertEquals(3, read.epochsCompleted());
      assertEquals(7L, read.seed());
      assertArrayEquals(new float[] {2.5f}, read.parameters().get("w").toFloatArray());
      assertTrue(read.average().isEmpty() && read.gradients().isEmpty() && read.counters().isEmpty());
    }
  }
}
