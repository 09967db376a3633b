package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.topiary.engine.data.DatasetCatalog;
import dev.topiary.engine.data.IdxReader;
import dev.topiary.engine.data.ImageDataset;
import dev.topiary.engine.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator on Debian's Fashion-MNIST (as FashionMnistTest, CI installs dataset-fashion-mnist). */
class DetectionScenesTest {
  @TempDir Path dir;

  static ImageDataset testItems() {
    if (!Files.isDirectory(DatasetCatalog.FASHION_MNIST_DEBIAN)) {
      fail(DatasetCatalog.FASHION_MNIST_DEBIAN + " is missing: install it with `apt-get install -y dataset-fashion-mnist`");
    }
    return IdxReader.readFashionMnist(DatasetCatalog.FASHION_MNIST_DEBIAN, Split.TEST);
  }

  static DetectionScenes.Written write(Path out, DetectionScenes.Format format, int train, int val, long seed) {
    testItems();
    return DetectionScenes.builder().setOut(out).setTrain(train).optVal(val).setSize(64).optFormat(format).optSeed(seed).build().write();
  }

  /** SHA-256 of every file under {@code root}, by relative path. */
  static TreeMap<String, String> hashes(Path root) throws IOException, NoSuchAlgorithmException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    }
    return out;
  }

  @Test
  void twoRunsWriteTheSameBytesAndAnotherSeedOthers() throws Exception {
    write(dir.resolve("a"), DetectionScenes.Format.YOLO, 6, 3, 0);
    write(dir.resolve("b"), DetectionScenes.Format.YOLO, 6, 3, 0);
    write(dir.resolve("c"), DetectionScenes.Format.YOLO, 6, 3, 1);
    TreeMap<String, String> a = hashes(dir.resolve("a"));
    assertEquals(1 + 1 + 2 * 9, a.size(), a.keySet().toString()); // marker, yaml, 9 pictures, 9 labels
    assertTrue(a.containsKey("images/val/000002.png") && a.containsKey("labels/train/000005.txt"), a.keySet().toString());
    assertEquals(a, hashes(dir.resolve("b")));
    assertFalse(a.get("images/train/000000.png").equals(hashes(dir.resolve("c")).get("images/train/000000.png")));
  }

  @Test
  void scenesHoldOneToSixItemsWhoseBoxesTightlyContainTheirPixels() {
    SceneRenderer renderer = new SceneRenderer(testItems(), 64);
    int total = 0;
    for (int i = 0; i < 40; i++) {
      List<boolean[]> masks = new ArrayList<>();
      DetectionImage scene = DetectionScenes.scene(renderer, 0, 1, i, 1, 6, masks);
      List<GroundTruth> boxes = scene.objects();
      assertTrue(boxes.size() >= 1 && boxes.size() <= 6, "scene " + i + ": " + boxes.size());
      assertEquals(boxes.size(), masks.size());
      total += boxes.size();
      for (int k = 0; k < boxes.size(); k++) {
        GroundTruth g = boxes.get(k);
        assertTrue(g.width() >= 2 && g.width() <= 0.6 * 64 + 1, "scene " + i + ": " + g);
        int[] e = {64, 64, -1, -1};
        boolean[] m = masks.get(k);
        for (int p = 0; p < m.length; p++) {
          if (m[p]) {
            e[0] = Math.min(e[0], p % 64);
            e[1] = Math.min(e[1], p / 64);
            e[2] = Math.max(e[2], p % 64 + 1);
            e[3] = Math.max(e[3], p / 64 + 1);
          }
        }
        assertArrayEquals(new float[] {e[0], e[1], e[2], e[3]}, new float[] {g.x1(), g.y1(), g.x2(), g.y2()}, "scene " + i + " item " + k);
        for (int j = 0; j < k; j++) {
          assertTrue(SceneRenderer.iou(boxes.get(j), g) <= 0.3f, "scene " + i + ": items " + j + ", " + k);
          assertTrue(SceneRenderer.cover(boxes.get(j), g) <= 0.5f, "scene " + i + ": items " + j + ", " + k);
        }
      }
      assertEquals(DetectionScenes.scene(renderer, 0, 1, i, 1, 6, null).objects(), boxes, "the same scene twice");
    }
    assertTrue(total > 40 * 2, "most scenes hold several items: " + total);
  }

  @Test
  void aPaintedItemDiffersFromTheEmptyBackgroundOnlyWithinItsBox() {
    SceneRenderer renderer = new SceneRenderer(testItems(), 64);
    int changedInside = 0;
    // the same source with zero items drawn gives the bare background: count 1 then 0 share the first draws
    for (int i = 0; i < 10; i++) {
      SplittableRandom r1 = new SplittableRandom(i);
      SplittableRandom r0 = new SplittableRandom(i);
      DetectionImage one = renderer.render(1, r1, null);
      DetectionImage none = renderer.render(0, r0, null);
      GroundTruth g = one.objects().get(0);
      int changedOutside = 0;
      // noise is drawn after the items, so it differs between the two; compare with a margin over it
      for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 64; x++) {
          boolean inside = x >= g.x1() && x < g.x2() && y >= g.y1() && y < g.y2();
          int diff = Math.abs(one.pixel(0, y, x) - none.pixel(0, y, x)) + Math.abs(one.pixel(1, y, x) - none.pixel(1, y, x));
          if (diff > 80) {
            if (inside) {
              changedInside++;
            } else {
              changedOutside++;
            }
          }
        }
      }
      assertEquals(0, changedOutside, "scene " + i + ": pixels changed outside " + g);
    }
    assertTrue(changedInside > 200, "the items show: " + changedInside + " pixels changed in 10 boxes");
  }

  @Test
  void generatedScenesReadBackThroughBothReadersWithEqualObjects() {
    write(dir.resolve("y"), DetectionScenes.Format.YOLO, 4, 5, 7);
    write(dir.resolve("c"), DetectionScenes.Format.COCO, 4, 5, 7);
    for (String split : List.of("train", "val")) {
      DetectionDataset yolo = YoloDataset.open(dir.resolve("y/data.yaml"), split);
      DetectionDataset coco = CocoDataset.open(dir.resolve("c/annotations/instances_" + split + ".json"), dir.resolve("c/images/" + split));
      assertEquals(IdxReader.FASHION_MNIST_CLASSES, yolo.classNames());
      assertEquals(IdxReader.FASHION_MNIST_CLASSES, coco.classNames());
      assertEquals(split.equals("train") ? 4 : 5, yolo.size());
      assertEquals(yolo.size(), coco.size());
      for (int i = 0; i < yolo.size(); i++) {
        assertEquals(yolo.id(i), coco.id(i));
        assertEquals(64, coco.width(i));
        List<GroundTruth> a = yolo.objects(i);
        List<GroundTruth> b = coco.objects(i);
        assertEquals(b.size(), a.size());
        for (int k = 0; k < a.size(); k++) {
          assertEquals(b.get(k).cls(), a.get(k).cls());
          assertArrayEquals(new float[] {b.get(k).x1(), b.get(k).y1(), b.get(k).x2(), b.get(k).y2()},
              new float[] {a.get(k).x1(), a.get(k).y1(), a.get(k).x2(), a.get(k).y2()}, 1e-3f);
        }
        DetectionImage img = coco.load(i);
        assertEquals(3, img.channels());
      }
    }
  }

  @Test
  void refusesAForeignFolderAndReplacesItsOwnOutput() throws IOException {
    Path foreign = dir.resolve("mine");
    DetectFixtures.text(foreign.resolve("notes.txt"), "keep me");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(foreign, DetectionScenes.Format.YOLO, 2, 0, 0));
    assertTrue(e.getMessage().contains("not empty and was not written by detection-data"), e.getMessage());
    assertEquals(List.of(foreign.resolve("notes.txt")), Files.list(foreign).toList());

    Path out = dir.resolve("out");
    write(out, DetectionScenes.Format.YOLO, 5, 2, 0);
    DetectFixtures.text(out.resolve("images/train/README"), "a user's file");
    write(out, DetectionScenes.Format.COCO, 3, 1, 0);
    assertTrue(Files.exists(out.resolve("images/train/000002.png")));
    assertFalse(Files.exists(out.resolve("images/train/000003.png")), "the previous run's extra pictures are gone");
    assertFalse(Files.exists(out.resolve("labels")), "the YOLO labels are gone");
    assertFalse(Files.exists(out.resolve("data.yaml")));
    assertTrue(Files.exists(out.resolve("images/train/README")), "files it does not own stay");
    assertEquals(3, CocoDataset.open(out.resolve("annotations/instances_train.json"), out.resolve("images/train")).size());
  }
}
