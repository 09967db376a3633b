package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code image-folder-data} and {@code bench-loader}. */
class ImageFolderCommandsTest {
  @TempDir Path dir;

  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
    }
  }

  @Test
  void writesTheSameBytesTwiceAndOtherBytesForAnotherSeed() throws IOException {
    String[] args = {"image-folder-data", "--train", "30", "--val", "10", "--size", "40"};
    for (String name : new String[] {"a", "b"}) {
      EngineCliTest.Run r = EngineCliTest.run(Stream.concat(Stream.of(args), Stream.of("--out", dir.resolve(name).toString())).toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
    }
    EngineCliTest.Run c = EngineCliTest.run(Stream.concat(Stream.of(args), Stream.of("--out", dir.resolve("c").toString(), "--seed", "1")).toArray(String[]::new));
    assertEquals(0, c.code(), c.err());
    List<Path> a = files(dir.resolve("a"));
    assertEquals(40, a.size());
    assertEquals(a, files(dir.resolve("b")));
    assertTrue(a.contains(Path.of("train", "9-ankle-boot", "000000.jpg")), "Fashion-MNIST's first training image is an ankle boot: " + a);
    for (Path p : a) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(p)), Files.readAllBytes(dir.resolve("b").resolve(p)), p.toString());
    }
    Path first = Path.of("train", "9-ankle-boot", "000000.jpg");
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a").resolve(first)), Files.readAllBytes(dir.resolve("c").resolve(first))));
  }

  @Test
  void writesPngsOnRequestAndRefusesOtherFormats() throws IOException {
    EngineCliTest.Run r = EngineCliTest.run("image-folder-data", "--out", dir.toString(), "--train", "3", "--size", "16", "--format", "png");
    assertEquals(0, r.code(), r.err());
    assertTrue(files(dir).stream().allMatch(p -> p.toString().endsWith(".png")), files(dir).toString());
    EngineCliTest.Run bad = EngineCliTest.run("image-folder-data", "--out", dir.toString(), "--train", "3", "--format", "gif");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--format: expected jpeg or png, got gif"), bad.err());
  }

  @Test
  void benchLoaderReadsEveryImageWithinItsQueueBound() {
    assertEquals(0, EngineCliTest.run("image-folder-data", "--out", dir.toString(), "--train", "40", "--size", "32").code());
    EngineCliTest.Run r = EngineCliTest.run("bench-loader", "--data", dir.toString(), "--size", "24", "--batch", "8", "--prefetch", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("loader: 40 images in "), r.out());
    assertTrue(r.out().contains("prefetch 2, peak ready 1") || r.out().contains("prefetch 2, peak ready 2"), r.out());
  }
}
