package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingLoaderTest {
  @TempDir Path root;
  private ImageFolderIndex index;

  @BeforeEach
  void writeFolder() throws IOException {
    index = ImageFolderIndex.scan(FolderFixtures.folder(root, 3, 9, 14, 10));
  }

  private StreamingLoader.Builder loader(int workers, int prefetch) {
    return StreamingLoader.builder().setIndex(index).setInput(new ImageShape(3, 8, 8)).setBatchSize(5)
        .optShuffle(true).optAugment(true).optSeed(11).optWorkers(workers).optPrefetch(prefetch);
  }

  /** Every batch of an epoch as {data floats, labels}. */
  private static List<Object[]> epoch(StreamingLoader l, int e) {
    List<Object[]> out = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      for (NDList b : l.epochAsLists(e, m)) {
        out.add(new Object[] {b.get(0).toFloatArray(), b.get(1).toIntArray()});
        b.close();
      }
    }
    return out;
  }

  @Test
  void batchesDependOnTheSeedAloneNotOnWorkersOrTiming() {
    List<Object[]> one = epoch(loader(1, 1).build(), 1);
    List<Object[]> many = epoch(loader(4, 3).build(), 1);
    assertEquals(6, one.size(), "27 images in batches of 5");
    assertEquals(one.size(), many.size());
    for (int k = 0; k < one.size(); k++) {
      assertArrayEquals((float[]) one.get(k)[0], (float[]) many.get(k)[0], "batch " + k);
      assertArrayEquals((int[]) one.get(k)[1], (int[]) many.get(k)[1], "batch " + k);
    }
    assertEquals(2, ((int[]) one.get(5)[1]).length, "short last batch");
    List<Object[]> next = epoch(loader(2, 2).build(), 2);
    assertFalse(java.util.Arrays.equals((float[]) one.get(0)[0], (float[]) next.get(0)[0]), "another epoch, another shuffle");
  }

  @Test
  void everyImageComesOnceWithItsLabel() {
    StreamingLoader l = loader(2, 2).optAugment(false).build();
    int[] perClass = new int[3];
    for (Object[] b : epoch(l, 0)) {
      for (int y : (int[]) b[1]) {
        perClass[y]++;
      }
    }
    assertArrayEquals(new int[] {9, 9, 9}, perClass);
  }

  @Test
  void theQueueNeverHoldsMoreThanItsBound() throws InterruptedException {
    StreamingLoader l = loader(3, 2).build();
    try (NDManager m = NDManager.newBaseManager()) {
      for (NDList b : l.epochAsLists(0, m)) {
        Thread.sleep(60); // a slow step: the workers fill every free slot and stop
        b.close();
      }
    }
    assertEquals(2, l.stats().peakReady(), "the bound is reached and never passed");
    assertEquals(6, l.stats().batches());
    // 5 images of 3x8x8 floats are 3840 bytes: a 10,000-byte budget leaves room for 2 batches
    assertEquals(2, loader(2, 8).optMemoryBudget(10_000).build().prefetch());
  }

  @Test
  void workersStopAtEpochEndAndWhenAnIterationIsClosedEarly() throws Exception {
    StreamingLoader l = loader(2, 3).build();
    epoch(l, 0);
    assertTrue(noWorkersWithin(2_000), "workers end with the epoch");
    try (NDManager m = NDManager.newBaseManager()) {
      Iterator<Batch> it = l.epoch(0, m).iterator();
      it.next().close();
      assertTrue(streamThreads() > 0, "still prefetching");
      ((AutoCloseable) it).close();
      assertFalse(it.hasNext());
    }
    assertTrue(noWorkersWithin(2_000), "close stops them");
  }

  @Test
  void aCorruptImageFailsTheEpochNamingTheFile() throws IOException {
    Path bad = root.resolve("c1").resolve("004.png");
    Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 1, 2});
    StreamingLoader l = loader(2, 2).build();
    var e = assertThrows(InvalidDatasetException.class, () -> epoch(l, 0));
    assertTrue(e.getMessage().startsWith(bad + ": unreadable image"), e.getMessage());
  }

  @Test
  void grayscaleModelsGetOneChannel() {
    StreamingLoader l = loader(1, 1).setInput(new ImageShape(1, 6, 6)).build();
    assertEquals(new ImageShape(1, 6, 6), l.sampleShape());
    assertEquals(5 * 36, ((float[]) epoch(l, 0).get(0)[0]).length);
  }

  private static long streamThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("topiary-stream-") && t.isAlive()).count();
  }

  private static boolean noWorkersWithin(long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if (streamThreads() == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
