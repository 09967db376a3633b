package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidDatasetException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFitTest {
  static ImageDataset gray(int n, int size) {
    byte[] px = new byte[n * size * size];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i % 2 == 0 ? 0 : 255);
    }
    return ImageDataset.builder().setPixels(px).setLabels(new int[n]).setShape(1, size, size).setNumClasses(2).build();
  }

  @Test
  void meanAndStdOfHalfBlackHalfWhiteArePointFive() {
    float[][] ms = InputFit.meanStd(gray(3, 4));
    assertEquals(0.5f, ms[0][0], 1e-6);
    assertEquals(0.5f, ms[1][0], 1e-6);
  }

  @Test
  void fitsGray28To3x32ByPaddingNormalisingAndReplicating() {
    ImageDataset ds = gray(1, 28);
    TransformPipeline p = InputFit.pipeline(ds.shape(), new int[] {3, 32, 32}, InputFit.SizeMode.PAD, false, new float[] {0.5f}, new float[] {0.5f});
    assertEquals(new ImageShape(3, 32, 32), p.outputShape(ds.shape()));
    FloatImage img = new FloatImage();
    ds.toFloat(0, img.reset(ds.shape()), 0);
    p.apply(img, new SplittableRandom(1));
    assertEquals(new ImageShape(3, 32, 32), img.shape());
    assertEquals(-1f, img.data()[0], 1e-6, "padding zero normalised: (0 - 0.5) / 0.5");
    assertEquals(img.data()[2 * 32 + 3], img.data()[32 * 32 * 2 + 2 * 32 + 3], "channels replicated");
  }

  @Test
  void refusesColourDataForAGrayModel() {
    ImageDataset colour = ImageDataset.builder().setPixels(new byte[3 * 4]).setLabels(new int[1]).setShape(3, 2, 2).setNumClasses(1).build();
    var e = assertThrows(InvalidDatasetException.class,
        () -> InputFit.pipeline(colour.shape(), new int[] {1, 28, 28}, InputFit.SizeMode.PAD, false, new float[3], new float[] {1, 1, 1}));
    assertTrue(e.getMessage().contains("3 channels but the model takes 1"), e.getMessage());
  }

  @Test
  void catalogNamesMissingFoldersAndUnknownKinds(@TempDir Path dir) {
    var e = assertThrows(InvalidDatasetException.class,
        () -> DatasetCatalog.open(DatasetCatalog.Kind.CIFAR10, dir.resolve("nope"), Split.TRAIN));
    assertTrue(e.getMessage().contains("nope: cifar10 dataset folder not found"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.Kind.of("imagenet"));
    assertTrue(e2.getMessage().contains("fashion-mnist"), e2.getMessage());
    assertEquals(10000, DatasetCatalog.open(DatasetCatalog.Kind.FASHION_MNIST, null, Split.TEST).size());
  }
}
