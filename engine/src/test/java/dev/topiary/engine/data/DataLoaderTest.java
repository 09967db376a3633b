package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
  private static final int N = 10;

  /** N samples of 1×2×3; sample i has pixels 20i + k and label i % 3. */
  static ImageDataset tiny() {
    byte[] pixels = new byte[N * 6];
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < 6; k++) {
        pixels[i * 6 + k] = (byte) (20 * i + k);
      }
      labels[i] = i % 3;
    }
    return ImageDataset.builder().setPixels(pixels).setLabels(labels).setShape(1, 2, 3).setNumClasses(3).build();
  }

  private static DataLoader.Builder loader() {
    return DataLoader.builder().setDataset(tiny()).setBatchSize(4).optShuffle(true).optSeed(7);
  }

  /** Everything observable about an epoch, compactly: per batch, indices, labels and a data hash. */
  private static List<String> record(DataLoader loader, int epoch) {
    List<String> out = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      for (Batch b : loader.epoch(epoch, manager)) {
        try (b) {
          out.add(Arrays.toString(b.indices()) + Arrays.toString(b.labels().toIntArray())
              + " data#" + Arrays.hashCode(b.data().toFloatArray()));
        }
      }
    }
    return out;
  }

  @Test
  void batchesHaveShapeBchwFloat32DataAndInt32LabelsMatchingTheSamples() {
    DataLoader l = loader().build();
    try (NDManager manager = NDManager.newBaseManager()) {
      for (Batch b : l.epoch(0, manager)) {
        try (b) {
          int n = b.size();
          assertEquals(new Shape(n, 1, 2, 3), b.data().getShape());
          assertEquals(DataType.FLOAT32, b.data().getDataType());
          assertEquals(new Shape(n), b.labels().getShape());
          assertEquals(DataType.INT32, b.labels().getDataType());
          float[] data = b.data().toFloatArray();
          int[] labels = b.labels().toIntArray();
          int[] idx = b.indices();
          for (int j = 0; j < n; j++) {
            assertEquals(idx[j] % 3, labels[j]);
            for (int k = 0; k < 6; k++) {
              assertEquals((20 * idx[j] + k) / 255f, data[j * 6 + k], 1e-7f);
            }
          }
        }
      }
    }
  }

  @Test
  void batchesKeepTheirValuesAfterLaterBatchesAreStaged() {
    for (boolean prefetch : new boolean[] {false, true}) {
      DataLoader l = loader().setBatchSize(3).optPrefetch(prefetch).build();
      try (NDManager manager = NDManager.newBaseManager()) {
        List<Batch> kept = new ArrayList<>();
        l.epoch(2, manager).forEach(kept::add);
        assertEquals(4, kept.size());
        for (Batch b : kept) {
          int[] idx = b.indices();
          float[] data = b.data().toFloatArray();
          int[] labels = b.labels().toIntArray();
          for (int j = 0; j < idx.length; j++) {
            assertEquals(idx[j] % 3, labels[j], "prefetch=" + prefetch);
            assertEquals(20 * idx[j] / 255f, data[j * 6], 1e-7f, "prefetch=" + prefetch);
          }
        }
      }
    }
  }

  @Test
  void sameSeedAndEpochGiveIdenticalBatches() {
    assertEquals(record(loader().build(), 3), record(loader().build(), 3));
  }

  @Test
  void differentEpochsAndSeedsGiveDifferentOrders() {
    DataLoader l = loader().build();
    assertFalse(Arrays.equals(l.order(0), l.order(1)));
    assertFalse(Arrays.equals(l.order(0), loader().optSeed(8).build().order(0)));
    assertArrayEquals(l.order(5), loader().build().order(5));
  }

  @Test
  void everySampleAppearsExactlyOncePerEpoch() {
    for (boolean shuffle : new boolean[] {false, true}) {
      DataLoader l = loader().optShuffle(shuffle).build();
      for (int epoch = 0; epoch < 3; epoch++) {
        int[] seen = new int[N];
        List<Integer> sizes = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
          for (Batch b : l.epoch(epoch, manager)) {
            try (b) {
              sizes.add(b.size());
              for (int i : b.indices()) {
                seen[i]++;
              }
            }
          }
        }
        int[] once = new int[N];
        Arrays.fill(once, 1);
        assertArrayEquals(once, seen, "shuffle=" + shuffle + " epoch=" + epoch);
        assertEquals(List.of(4, 4, 2), sizes, "partial last batch kept by default");
      }
    }
  }

  @Test
  void unshuffledEpochFollowsDatasetOrder() {
    int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertArrayEquals(expected, loader().optShuffle(false).build().order(4));
  }

  @Test
  void dropLastOmitsThePartialBatch() {
    DataLoader l = loader().optDropLast(true).build();
    assertEquals(2, l.numBatches());
    List<String> batches = record(l, 0);
    assertEquals(2, batches.size());
    assertEquals(record(loader().build(), 0).subList(0, 2), batches, "same first batches as without dropLast");
    assertEquals(0, loader().setBatchSize(11).optDropLast(true).build().numBatches());
  }

  @Test
  void augmentationIsReproducibleAndDiffersAcrossEpochs() {
    ImageDataset ds = FashionMnistTest.testSplit().head(32);
    DataLoader.Builder b = DataLoader.builder().setDataset(ds).setBatchSize(8).optSeed(1)
        .optTransform(TransformPipeline.of(
            Pad.toSize(32, 32), new RandomCrop(32, 32, 4), new RandomHorizontalFlip()));
    DataLoader l = b.build();
    assertEquals(record(l, 0), record(b.build(), 0));
    // unshuffled, so only the augmentation can make the epochs differ
    List<String> e0 = record(l, 0);
    List<String> e1 = record(l, 1);
    assertEquals(4, e0.size());
    for (int k = 0; k < 4; k++) {
      assertFalse(e0.get(k).equals(e1.get(k)), "batch " + k + " identical across epochs");
    }
  }

  @Test
  void prefetchGivesTheSameBatchesAsSynchronousLoading() {
    ImageDataset ds = FashionMnistTest.testSplit().head(100);
    DataLoader.Builder b = DataLoader.builder().setDataset(ds).setBatchSize(16).optShuffle(true).optSeed(3)
        .optTransform(TransformPipeline.of(new Resize(32, 32), new ReplicateChannels(3),
            new RandomCrop(32, 32, 4), new RandomHorizontalFlip()));
    for (int epoch = 0; epoch < 2; epoch++) {
      assertEquals(record(b.optPrefetch(false).build(), epoch), record(b.optPrefetch(true).build(), epoch));
    }
  }

  @Test
  void fashionMnistTestSplitStreamsAs32x32RgbBatches() {
    ImageDataset ds = FashionMnistTest.testSplit();
    DataLoader l = DataLoader.builder().setDataset(ds).setBatchSize(256).optPrefetch(true)
        .optTransform(TransformPipeline.of(Pad.toSize(32, 32), new ReplicateChannels(3),
            new Normalize(new float[] {0.286f, 0.286f, 0.286f}, new float[] {0.353f, 0.353f, 0.353f})))
        .build();
    assertEquals(new ImageShape(3, 32, 32), l.sampleShape());
    int batches = 0;
    int samples = 0;
    int[] counts = new int[10];
    try (NDManager manager = NDManager.newBaseManager()) {
      for (Batch b : l.epoch(0, manager)) {
        try (b) {
          assertEquals(new Shape(b.size(), 3, 32, 32), b.data().getShape());
          for (int y : b.labels().toIntArray()) {
            counts[y]++;
          }
          batches++;
          samples += b.size();
        }
      }
    }
    assertEquals(40, batches);
    assertEquals(10_000, samples);
    int[] thousand = new int[10];
    Arrays.fill(thousand, 1000);
    assertArrayEquals(thousand, counts);
  }

  @Test
  void labelsWorkWithSparseSoftmaxCrossEntropyAndAccuracy() {
    DataLoader l = loader().build();
    try (NDManager manager = NDManager.newBaseManager()) {
      Batch b = l.epoch(0, manager).iterator().next();
      int[] labels = b.labels().toIntArray();
      float[] logits = new float[labels.length * 3];
      for (int j = 0; j < labels.length; j++) {
        logits[j * 3 + labels[j]] = 2f; // correct class scores 2, others 0
      }
      NDArray pred = manager.create(logits, new Shape(labels.length, 3));
      float loss = new SoftmaxCrossEntropyLoss()
          .evaluate(new NDList(b.labels()), new NDList(pred)).getFloat();
      double expected = -(2 - Math.log(Math.exp(2) + 2));
      assertEquals(expected, loss, 1e-5);
      // Accuracy.evaluate returns the number of correct predictions
      NDArray correct = new Accuracy().evaluate(new NDList(b.labels()), new NDList(pred));
      assertEquals(labels.length, correct.toType(DataType.INT32, false).getInt());
      b.close();
      assertTrue(b.data().isReleased(), "closing the batch releases its data");
      assertTrue(b.labels().isReleased(), "closing the batch releases its labels");
    }
  }

  @Test
  void rejectsInvalidSettingsNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader().setBatchSize(0).build());
    assertTrue(e.getMessage().startsWith("batchSize"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataLoader.builder().setBatchSize(2).build());
    assertTrue(e.getMessage().startsWith("dataset"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> loader()
        .optTransform(new Normalize(new float[] {0, 0, 0}, new float[] {1, 1, 1})).build());
    assertTrue(e.getMessage().contains("3 values but the image has 1 channels"), e.getMessage());
  }
}
