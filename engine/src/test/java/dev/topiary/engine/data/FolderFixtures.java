package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Tiny image folders written into a test's temporary folder. */
final class FolderFixtures {
  private FolderFixtures() {}

  /** An image of random colours, seeded by {@code seed}. */
  static BufferedImage noise(int w, int h, int type, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, 0xFF000000 | r.nextInt(1 << 24));
      }
    }
    return img;
  }

  static Path save(Path root, String cls, String name, BufferedImage img, String format) throws IOException {
    Path file = Files.createDirectories(root.resolve(cls)).resolve(name);
    assertTrue(ImageIO.write(img, format, file.toFile()), "no ImageIO writer for " + format);
    return file;
  }

  /** {@code classes} class folders of {@code perClass} random PNGs of {@code w × h}. */
  static Path folder(Path root, int classes, int perClass, int w, int h) throws IOException {
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < perClass; i++) {
        save(root, "c" + c, String.format("%03d.png", i), noise(w, h, BufferedImage.TYPE_INT_RGB, 1000L * c + i), "png");
      }
    }
    return root;
  }
}
