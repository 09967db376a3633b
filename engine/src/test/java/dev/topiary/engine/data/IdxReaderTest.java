package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  private static final int N = 3;
  private static final int H = 2;
  private static final int W = 4;

  @TempDir Path dir;

  private static byte[] knownPixels() {
    byte[] p = new byte[N * H * W];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) (i * 11); // exercises values above 127
    }
    return p;
  }

  private Path images(String name, boolean gzip) throws IOException {
    return IdxFixtures.write(
        dir.resolve(name), IdxFixtures.images(IdxReader.IMAGES_MAGIC, N, H, W, knownPixels()), gzip);
  }

  private Path labels(String name, boolean gzip, byte... values) throws IOException {
    return IdxFixtures.write(dir.resolve(name), IdxFixtures.labels(IdxReader.LABELS_MAGIC, values), gzip);
  }

  private static void assertKnownContent(ImageDataset ds) {
    assertEquals(N, ds.size());
    assertEquals(new ImageShape(1, H, W), ds.shape());
    byte[] expected = knownPixels();
    byte[] sample = new byte[H * W];
    for (int i = 0; i < N; i++) {
      ds.copyPixels(i, sample, 0);
      assertArrayEquals(Arrays.copyOfRange(expected, i * H * W, (i + 1) * H * W), sample, "sample " + i);
    }
    assertEquals(22, ds.pixel(0, 0, 0, 2)); // offset 2
    assertEquals((23 * 11) & 0xFF, ds.pixel(2, 0, 1, 3)); // last pixel, offset 23 -> 253
    assertEquals(List.of(7, 0, 9), List.of(ds.label(0), ds.label(1), ds.label(2)));
  }

  @Test
  void readsRawFilesExactly() throws IOException {
    ImageDataset ds = IdxReader.read(images("img", false), labels("lbl", false, (byte) 7, (byte) 0, (byte) 9), 10);
    assertKnownContent(ds);
  }

  @Test
  void readsGzippedFilesDetectedByContentNotName() throws IOException {
    // gzip content under a name without .gz, and raw content under a .gz name
    Path img = images("images-no-suffix", true);
    Path lbl = IdxFixtures.write(
        dir.resolve("labels.gz"), IdxFixtures.labels(IdxReader.LABELS_MAGIC, new byte[] {7, 0, 9}), false);
    assertKnownContent(IdxReader.read(img, lbl, 10));
  }

  @Test
  void readsStandardDirectoryLayoutWithFashionClassNames() throws IOException {
    images("t10k-images-idx3-ubyte.gz", true);
    labels("t10k-labels-idx1-ubyte", false, (byte) 7, (byte) 0, (byte) 9);
    ImageDataset ds = IdxReader.readFashionMnist(dir, Split.TEST);
    assertKnownContent(ds);
    assertEquals("Sneaker", ds.classNames().get(ds.label(0)));
    InvalidDatasetException e =
        assertThrows(InvalidDatasetException.class, () -> IdxReader.readFashionMnist(dir, Split.TRAIN));
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
  }

  @Test
  void readsAGenericIdxFolderCountingTheClassesFromItsLabels() throws IOException {
    images("t10k-images-idx3-ubyte", false);
    labels("t10k-labels-idx1-ubyte.gz", true, (byte) 7, (byte) 0, (byte) 9);
    ImageDataset ds = IdxReader.readDirectory(dir, Split.TEST, null);
    assertKnownContent(ds);
    assertEquals(10, ds.numClasses(), "largest label 9, plus one");
    assertEquals(List.of(), ds.classNames());
  }

  @Test
  void rejectsTruncatedRawImagesNamingTheFile() throws IOException {
    byte[] full = IdxFixtures.images(IdxReader.IMAGES_MAGIC, N, H, W, knownPixels());
    Path img = IdxFixtures.write(dir.resolve("short-images"), Arrays.copyOf(full, full.length - 5), false);
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    assertFailsNaming("short-images", "truncated", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsTruncatedGzipImagesNamingTheFile() throws IOException {
    byte[] full = IdxFixtures.images(IdxReader.IMAGES_MAGIC, N, H, W, knownPixels());
    Path img = IdxFixtures.write(dir.resolve("short-images.gz"), Arrays.copyOf(full, full.length - 5), true);
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    assertFailsNaming("short-images.gz", "truncated", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsCutGzipStreamNamingTheFile() throws IOException {
    Path good = images("good.gz", true);
    byte[] gz = Files.readAllBytes(good);
    Path cut = Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    assertFailsNaming("cut.gz", "truncated", () -> IdxReader.read(cut, lbl, 10));
  }

  @Test
  void rejectsBadMagicNamingTheFile() throws IOException {
    Path img = IdxFixtures.write(
        dir.resolve("wrong-magic"), IdxFixtures.images(0x00000801, N, H, W, knownPixels()), false);
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    assertFailsNaming("wrong-magic", "magic", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsLabelsFileWithImagesMagic() throws IOException {
    Path img = images("img", false);
    Path lbl = IdxFixtures.write(
        dir.resolve("labels-as-images"), IdxFixtures.labels(IdxReader.IMAGES_MAGIC, new byte[] {1, 2, 3}), false);
    assertFailsNaming("labels-as-images", "magic", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsImageAndLabelCountMismatch() throws IOException {
    Path img = images("img", false);
    Path lbl = labels("two-labels", false, (byte) 1, (byte) 2);
    assertFailsNaming("two-labels", "3 images", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsLabelOutOfRange() throws IOException {
    Path img = images("img", false);
    Path lbl = labels("lbl-range", false, (byte) 1, (byte) 10, (byte) 3);
    assertFailsNaming("lbl-range", "label 10 of sample 1", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsTrailingBytes() throws IOException {
    byte[] full = IdxFixtures.images(IdxReader.IMAGES_MAGIC, N, H, W, knownPixels());
    Path img = IdxFixtures.write(dir.resolve("long-images"), Arrays.copyOf(full, full.length + 1), false);
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    assertFailsNaming("long-images", "unexpected bytes", () -> IdxReader.read(img, lbl, 10));
  }

  @Test
  void rejectsMissingFileNamingIt() throws IOException {
    Path lbl = labels("lbl", false, (byte) 1, (byte) 2, (byte) 3);
    Path missing = dir.resolve("no-such-images");
    assertFailsNaming("no-such-images", "not found", () -> IdxReader.read(missing, lbl, 10));
  }

  static void assertFailsNaming(String fileName, String reason, Runnable read) {
    InvalidDatasetException e = assertThrows(InvalidDatasetException.class, read::run);
    assertTrue(e.getMessage().contains(fileName), "message should name " + fileName + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(reason), "message should say " + reason + ": " + e.getMessage());
  }
}
