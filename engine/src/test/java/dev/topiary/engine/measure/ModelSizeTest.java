package dev.topiary.engine.measure;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSizeTest {
  @Test
  void zerosCompressFarBetterThanNoise(@TempDir Path dir) throws Exception {
    byte[] noise = new byte[100_000];
    new Random(1).nextBytes(noise);
    Path a = Files.write(dir.resolve("noise.bin"), noise);
    Path b = Files.write(dir.resolve("zeros.bin"), new byte[100_000]);
    ModelSize n = ModelSize.of(List.of(a));
    ModelSize z = ModelSize.of(List.of(b));
    assertEquals(100_000, n.rawBytes());
    assertTrue(n.zippedBytes() > 99_000, "random bytes do not compress: " + n);
    assertTrue(z.zippedBytes() < 1_000, "zeros compress: " + z);
    assertEquals(200_000, ModelSize.of(List.of(a, b)).rawBytes());
  }
}
