package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionLoaderTest {
  @TempDir static Path dir;
  static DetectionDataset train;

  @BeforeAll
  static void scenes() {
    DetectionScenesTest.write(dir.resolve("d"), DetectionScenes.Format.YOLO, 11, 0, 0);
    train = YoloDataset.open(dir.resolve("d/data.yaml"), "train");
  }

  private static List<DetectionBatch> epoch(DetectionLoader loader, int e) {
    List<DetectionBatch> out = new ArrayList<>();
    loader.epoch(e).forEach(out::add);
    return out;
  }

  private static DetectionLoader.Builder loader() {
    return DetectionLoader.builder().setDataset(train).setImageSize(64).setBatchSize(4).optSeed(9);
  }

  @Test
  void augmentedEpochsAreTheSameWhateverTheWorkerCount() {
    List<DetectionBatch> inline = epoch(loader().optAugment(true).optWorkers(0).build(), 1);
    for (int workers : new int[] {1, 3}) {
      List<DetectionBatch> threaded = epoch(loader().optAugment(true).optWorkers(workers).build(), 1);
      assertEquals(inline.size(), threaded.size());
      for (int k = 0; k < inline.size(); k++) {
        assertEquals(inline.get(k).ids(), threaded.get(k).ids());
        assertArrayEquals(inline.get(k).images(), threaded.get(k).images(), "batch " + k + ", " + workers + " workers");
        assertArrayEquals(inline.get(k).targets(), threaded.get(k).targets());
        assertEquals(inline.get(k).truths(), threaded.get(k).truths());
      }
    }
    assertEquals(List.of(4, 4, 3), inline.stream().map(DetectionBatch::size).toList());
    List<String> ids = inline.stream().flatMap(b -> b.ids().stream()).sorted().toList();
    assertEquals(11, ids.stream().distinct().count(), "every picture once: " + ids);
    List<DetectionBatch> other = epoch(loader().optAugment(true).build(), 2);
    assertNotEquals(inline.get(0).ids(), other.get(0).ids(), "another epoch, another order");
  }

  @Test
  void withoutAugmentationBatchesFollowTheDatasetAndHoldItsPixelsAndBoxes() {
    List<DetectionBatch> batches = epoch(loader().optWorkers(2).optLimit(6).build(), 0);
    assertEquals(List.of(4, 2), batches.stream().map(DetectionBatch::size).toList());
    DetectionBatch b = batches.get(1);
    assertEquals(List.of("000004.png", "000005.png"), b.ids());
    assertEquals(3, b.channels());
    DetectionImage img = train.load(5);
    int plane = 64 * 64;
    assertEquals(img.pixel(1, 10, 20) / 255f, b.images()[plane * 3 + plane + 10 * 64 + 20], 0f, "picture 1 of the batch, green");
    assertEquals(train.objects(5), b.truths().get(1), "a 64-pixel scene is letterboxed unchanged");
    assertEquals(new LetterboxInfo(1, 0, 0, 64, 64), b.letterbox().get(1));
    int rows = 0;
    for (int j = 0; j < 2; j++) {
      for (GroundTruth g : b.truths().get(j)) {
        float[] row = java.util.Arrays.copyOfRange(b.targets(), 6 * rows, 6 * rows + 6);
        assertArrayEquals(new float[] {j, g.cls(), (g.x1() + g.x2()) / 128, (g.y1() + g.y2()) / 128, g.width() / 64, g.height() / 64}, row, 1e-6f);
        rows++;
      }
    }
    assertEquals(rows, b.numTargets());
  }

  @Test
  void convertsChannelsForTheModel() {
    DetectionBatch grey = epoch(loader().optChannels(1).optWorkers(0).build(), 0).get(0);
    DetectionImage img = train.load(0);
    float luma = Math.round(0.299f * img.pixel(0, 3, 4) + 0.587f * img.pixel(1, 3, 4) + 0.114f * img.pixel(2, 3, 4)) / 255f;
    assertEquals(1, grey.channels());
    assertEquals(luma, grey.images()[3 * 64 + 4], 0f);
    assertEquals(4 * 64 * 64, grey.images().length);
    assertThrows(IllegalArgumentException.class, () -> epoch(loader().optChannels(4).build(), 0));
  }

  @Test
  void aPictureBrokenAfterOpenFailsTheEpochNamingIt() throws IOException {
    Path copy = dir.resolve("broken");
    DetectionScenesTest.write(copy, DetectionScenes.Format.YOLO, 3, 0, 0);
    DetectionDataset ds = YoloDataset.open(copy.resolve("data.yaml"), "train");
    Files.write(copy.resolve("images/train/000002.png"), java.util.Arrays.copyOf(Files.readAllBytes(copy.resolve("images/train/000002.png")), 100));
    DetectionLoader l = DetectionLoader.builder().setDataset(ds).setImageSize(64).setBatchSize(1).optWorkers(2).build();
    InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> epoch(l, 0));
    assertTrue(e.getMessage().startsWith(copy.resolve("images/train/000002.png") + ": unreadable png image"), e.getMessage());
  }

  @Test
  void refusesAnImageSizeThatIsNotAMultipleOf32() {
    assertEquals("imageSize: must be a positive multiple of 32, got 40",
        assertThrows(IllegalArgumentException.class, () -> loader().setImageSize(40).build()).getMessage());
  }
}
