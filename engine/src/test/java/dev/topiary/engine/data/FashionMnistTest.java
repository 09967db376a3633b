package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads the real Fashion-MNIST test split installed by the {@code dataset-fashion-mnist} package. */
class FashionMnistTest {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

  static ImageDataset testSplit() {
    if (!Files.isDirectory(DIR)) {
      fail(DIR + " is missing: install it with `apt-get install -y dataset-fashion-mnist` (CI installs it)");
    }
    return IdxReader.readFashionMnist(DIR, Split.TEST);
  }

  @Test
  void testSplitHasTenThousand28x28GrayImagesWithThousandPerClass() {
    ImageDataset ds = testSplit();
    assertEquals(10_000, ds.size());
    assertEquals(new ImageShape(1, 28, 28), ds.shape());
    assertEquals(10, ds.numClasses());
    assertEquals(IdxReader.FASHION_MNIST_CLASSES, ds.classNames());
    int[] thousand = new int[10];
    java.util.Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, ds.classCounts());
  }

  @Test
  void testSplitFirstImageMatchesKnownPixelsAndLabels() {
    ImageDataset ds = testSplit();
    int max = 0;
    long sum = 0;
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        max = Math.max(max, ds.pixel(0, 0, y, x));
        sum += ds.pixel(0, 0, y, x);
      }
    }
    assertEquals(255, max, "the first test image reaches full intensity");
    assertEquals(33456, sum, "pixel sum of the first test image (checked independently with Python)");
    assertEquals(9, ds.label(0), "the first Fashion-MNIST test image is an ankle boot");
    assertEquals(2, ds.label(1));
    assertEquals(1, ds.label(2));
  }
}
