package dev.topiary.engine.detect;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes tiny pictures and text files for the detection tests. */
final class DetectFixtures {
  private DetectFixtures() {}

  /** A {@code w × h} RGB picture whose pixel (x, y) is (x, y, 7), in {@code format} (png, bmp, jpeg). */
  static Path picture(Path file, int w, int h, String format) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (x << 16) | (y << 8) | 7);
      }
    }
    Files.createDirectories(file.getParent());
    if (!ImageIO.write(img, format, file.toFile())) {
      throw new IllegalStateException("no writer for " + format);
    }
    return file;
  }

  static Path text(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }
}
