package dev.topiary.engine.data;

import static dev.topiary.engine.data.FolderFixtures.noise;
import static dev.topiary.engine.data.FolderFixtures.save;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
  @TempDir Path root;

  @Test
  void decodesPngAndJpegOfEveryLayoutToTheInMemoryReadersPixels() throws IOException {
    save(root, "a", "rgb.png", noise(7, 5, BufferedImage.TYPE_INT_RGB, 1), "png");
    save(root, "a", "rgba.png", noise(7, 5, BufferedImage.TYPE_INT_ARGB, 2), "png");
    save(root, "a", "gray.png", noise(7, 5, BufferedImage.TYPE_BYTE_GRAY, 3), "png");
    save(root, "a", "palette.png", noise(7, 5, BufferedImage.TYPE_BYTE_INDEXED, 4), "png");
    save(root, "b", "rgb.jpg", noise(7, 5, BufferedImage.TYPE_INT_RGB, 5), "jpg");
    save(root, "b", "gray.jpeg", noise(7, 5, BufferedImage.TYPE_BYTE_GRAY, 6), "jpeg");
    for (int channels : new int[] {1, 3}) {
      ImageDataset reference = ImageFolderReader.builder().setRoot(root).optGrayscale(channels == 1).build().read();
      ImageFolderIndex index = ImageFolderIndex.scan(root);
      assertEquals(reference.size(), index.size());
      try (ImageDecoder decoder = new ImageDecoder()) {
        for (int i = 0; i < index.size(); i++) {
          PixelImage img = decoder.decode(index.file(i), channels);
          byte[] expected = new byte[reference.shape().size()];
          reference.copyPixels(i, expected, 0);
          assertEquals(reference.shape(), new ImageShape(img.channels(), img.height(), img.width()));
          assertArrayEquals(expected, img.pixels(), index.file(i) + " with " + channels + " channels");
        }
      }
    }
  }

  @Test
  void aCorruptJpegIsAnErrorNamingTheFile() throws IOException {
    Path good = save(root, "a", "good.jpg", noise(16, 16, BufferedImage.TYPE_INT_RGB, 1), "jpg");
    byte[] bytes = Files.readAllBytes(good);
    Path bad = Files.write(root.resolve("a").resolve("bad.jpg"), Arrays.copyOf(bytes, 40));
    Path text = Files.writeString(root.resolve("a").resolve("text.png"), "not an image");
    try (ImageDecoder decoder = new ImageDecoder()) {
      assertEquals(16, decoder.decode(good, 3).width());
      for (Path p : new Path[] {bad, text}) {
        var e = assertThrows(InvalidDatasetException.class, () -> decoder.decode(p, 3));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("unreadable image"), e.getMessage());
      }
    }
  }
}
