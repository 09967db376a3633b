package dev.topiary.engine.data;

import static dev.topiary.engine.data.IdxReaderTest.assertFailsNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
  @TempDir Path root;

  /** An RGB image whose pixel (x, y) is (10x + y, 20y, 255 - x); distinct everywhere. */
  private static BufferedImage pattern(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((10 * x + y) << 16) | ((20 * y) << 8) | (255 - x));
      }
    }
    return img;
  }

  private static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private Path save(String cls, String name, BufferedImage img, String format) throws IOException {
    Path dir = Files.createDirectories(root.resolve(cls));
    Path file = dir.resolve(name);
    assertTrue(ImageIO.write(img, format, file.toFile()), "no ImageIO writer for " + format);
    return file;
  }

  @Test
  void indexesClassesAlphabeticallyAndReadsPngPixelsExactly() throws IOException {
    save("cat", "a.png", pattern(6, 4), "png");
    save("ant", "b.png", solid(6, 4, 0x102030), "png");
    save("bee", "c.jpeg", solid(6, 4, 0xC8285A), "jpeg");
    save("bee", "d.jpg", solid(6, 4, 0x20E040), "jpg");
    Files.writeString(root.resolve("bee").resolve("notes.txt"), "ignored");
    ImageDataset ds = ImageFolderReader.read(root);
    assertEquals(List.of("ant", "bee", "cat"), ds.classNames());
    assertEquals(4, ds.size());
    assertEquals(new ImageShape(3, 4, 6), ds.shape());
    assertEquals(List.of(0, 1, 1, 2), List.of(ds.label(0), ds.label(1), ds.label(2), ds.label(3)));
    assertEquals(0x10, ds.pixel(0, 0, 2, 3));
    assertEquals(0x20, ds.pixel(0, 1, 2, 3));
    assertEquals(0x30, ds.pixel(0, 2, 2, 3));
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        assertEquals(10 * x + y, ds.pixel(3, 0, y, x));
        assertEquals(20 * y, ds.pixel(3, 1, y, x));
        assertEquals(255 - x, ds.pixel(3, 2, y, x));
      }
    }
  }

  @Test
  void readsJpegApproximately() throws IOException {
    save("only", "x.jpg", solid(16, 16, 0xC8285A), "jpg");
    ImageDataset ds = ImageFolderReader.read(root);
    int[] expected = {0xC8, 0x28, 0x5A};
    for (int c = 0; c < 3; c++) {
      int v = ds.pixel(0, c, 8, 8);
      assertTrue(Math.abs(v - expected[c]) <= 8, "channel " + c + ": " + v + " vs " + expected[c]);
    }
  }

  @Test
  void readsGrayPngValuesUnchangedAndReplicatesThemToRgb() throws IOException {
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] values = {0, 50, 100, 150, 200, 255};
    gray.getRaster().setPixels(0, 0, 3, 2, values);
    save("g", "gray.png", gray, "png");
    ImageDataset rgb = ImageFolderReader.read(root);
    ImageDataset luma = ImageFolderReader.builder().setRoot(root).optGrayscale(true).build().read();
    assertEquals(1, luma.channels());
    for (int k = 0; k < values.length; k++) {
      assertEquals(values[k], luma.pixel(0, 0, k / 3, k % 3));
      for (int c = 0; c < 3; c++) {
        assertEquals(values[k], rgb.pixel(0, c, k / 3, k % 3));
      }
    }
  }

  @Test
  void grayscaleOfColourImageIsLuma() throws IOException {
    save("c", "red.png", solid(2, 2, 0xFF0000), "png");
    ImageDataset ds = ImageFolderReader.builder().setRoot(root).optGrayscale(true).build().read();
    assertEquals(Math.round(0.299f * 255), ds.pixel(0, 0, 1, 1));
  }

  @Test
  void rejectsImageOfDifferentSizeNamingItUnlessASizeIsSet() throws IOException {
    save("a", "1.png", solid(4, 4, 0x808080), "png");
    save("a", "2-big.png", solid(8, 8, 0x808080), "png");
    assertFailsNaming("2-big.png", "8x8", () -> ImageFolderReader.read(root));
    ImageDataset ds = ImageFolderReader.builder().setRoot(root).optSize(4, 4).build().read();
    assertEquals(2, ds.size());
    assertEquals(0x80, ds.pixel(1, 1, 2, 2), "a resized solid image keeps its colour");
  }

  @Test
  void rejectsCorruptImageNamingIt() throws IOException {
    save("a", "good.png", solid(4, 4, 0), "png");
    Files.write(root.resolve("a").resolve("broken.png"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertFailsNaming("broken.png", "unreadable image", () -> ImageFolderReader.read(root));
  }

  @Test
  void rejectsTruncatedPngNamingIt() throws IOException {
    Path good = save("a", "cut.png", pattern(16, 16), "png");
    byte[] bytes = Files.readAllBytes(good);
    Files.write(good, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertFailsNaming("cut.png", "unreadable image", () -> ImageFolderReader.read(root));
  }

  @Test
  void rejectsEmptyClassFolderNamingIt() throws IOException {
    save("a", "good.png", solid(4, 4, 0), "png");
    Files.createDirectories(root.resolve("empty-class"));
    assertFailsNaming("empty-class", "no .png", () -> ImageFolderReader.read(root));
  }

  @Test
  void rejectsRootWithoutClassFolders() {
    assertFailsNaming(root.toString(), "no class folders", () -> ImageFolderReader.read(root));
  }
}
