package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YoloDatasetTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    return DetectFixtures.text(dir.resolve("data.yaml"), text);
  }

  private static final String YAML = """
      # a comment
      path: .   # the yaml's folder
      train: images/train
      val: images/val
      nc: 3
      names:
        0: cat
        1: 'dog # not a comment'
        2: "bird"
      download: |
        import os
        print('ignored')
      """;

  @Test
  void readsBoxesInPixelsClippedToThePictureAndTheIndexMapOfNames() throws IOException {
    DetectFixtures.picture(dir.resolve("images/val/a.png"), 40, 20, "png");
    DetectFixtures.text(dir.resolve("labels/val/a.txt"), "1 0.5 0.5 0.25 0.5\n\n2 0.1 0.9 0.4 0.2\n");
    DetectionDataset ds = YoloDataset.open(yaml(YAML), "val");
    assertEquals(List.of("cat", "dog # not a comment", "bird"), ds.classNames());
    assertEquals(1, ds.size());
    assertEquals("a.png", ds.id(0));
    assertEquals(40, ds.width(0));
    assertEquals(20, ds.height(0));
    // cx 20, cy 10, w 10, h 10 -> (15, 5, 25, 15); the second sticks out left (x1 = -4) and is clipped to 0
    assertEquals(List.of(new GroundTruth(1, 15, 5, 25, 15), new GroundTruth(2, 0, 16, 12, 20)), ds.objects(0));
  }

  @Test
  void picturesWithoutLabelFilesHaveNoObjectsAndLoadDecodesPngJpegAndBmp() throws IOException {
    DetectFixtures.picture(dir.resolve("images/train/b.bmp"), 5, 3, "bmp");
    DetectFixtures.picture(dir.resolve("images/train/sub/c.jpg"), 16, 8, "jpeg");
    DetectFixtures.picture(dir.resolve("images/train/a.png"), 4, 2, "png");
    DetectFixtures.text(dir.resolve("labels/train/sub/c.txt"), "0 0.5 0.5 1 1\n");
    DetectionDataset ds = YoloDataset.open(yaml(YAML), "train");
    assertEquals(List.of("a.png", "b.bmp", "sub/c.jpg"), List.of(ds.id(0), ds.id(1), ds.id(2)));
    assertEquals(List.of(), ds.objects(0));
    assertEquals(List.of(new GroundTruth(0, 0, 0, 16, 8)), ds.objects(2));
    DetectionImage bmp = ds.load(1);
    assertEquals(3, bmp.channels());
    assertEquals(4, bmp.pixel(0, 2, 4), "red is x");
    assertEquals(2, bmp.pixel(1, 2, 4), "green is y");
    assertEquals(7, bmp.pixel(2, 2, 4));
    assertEquals(8, ds.load(2).height());
  }

  @Test
  void readsNamesAsAFlowListOverSeveralLinesOrABlockList() throws IOException {
    DetectFixtures.picture(dir.resolve("images/val/a.png"), 4, 4, "png");
    assertEquals(List.of("a", "b, c", "d"), YoloDataset.open(yaml("val: images/val\nnames: ['a', 'b, c',\n  d]\n"), "val").classNames());
    assertEquals(List.of("x", "y"), YoloDataset.open(yaml("val: images/val\nnc: 2\nnames:\n  - x\n  - y\n"), "val").classNames());
    assertEquals(List.of("class0", "class1"), YoloDataset.open(yaml("val: images/val\nnc: 2\n"), "val").classNames());
  }

  @Test
  void reportsEveryBadLabelLineWithItsFileAndLine() throws IOException {
    DetectFixtures.picture(dir.resolve("images/val/a.png"), 10, 10, "png");
    DetectFixtures.text(dir.resolve("labels/val/a.txt"),
        "0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n1 0.5 x 0.2 0.2\n3 0.5 0.5 0.2 0.2\n2 1.2 0.5 0.2 0.2\n0 0.5 0.5 -0.1 0.2\n1.5 0.5 0.5 0.2 0.2\n");
    InvalidDatasetException e = assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml(YAML), "val"));
    String m = e.getMessage();
    String file = dir.resolve("labels/val/a.txt").toString();
    assertTrue(m.contains("6 problems"), m);
    assertTrue(m.contains(file + ":2: expected 5 numbers (class cx cy w h), got 4 fields"), m);
    assertTrue(m.contains(file + ":3: expected 5 numbers"), m);
    assertTrue(m.contains(file + ":4: class 3 is not a class index in [0, 3)"), m);
    assertTrue(m.contains(file + ":5: coordinates outside [0, 1] (cx cy w h = 1.2 0.5 0.2 0.2)"), m);
    assertTrue(m.contains(file + ":6: coordinates outside [0, 1]"), m);
    assertTrue(m.contains(file + ":7: class 1.5 is not a class index"), m);
    assertTrue(!m.contains(file + ":1:"), m);
  }

  @Test
  void rejectsALabelWithoutAPictureAndAPictureItCannotRead() throws IOException {
    DetectFixtures.picture(dir.resolve("images/val/a.png"), 10, 10, "png");
    DetectFixtures.text(dir.resolve("labels/val/ghost.txt"), "0 0.5 0.5 0.2 0.2\n");
    DetectFixtures.text(dir.resolve("images/val/b.png"), "GIF89a not really a png");
    DetectFixtures.picture(dir.resolve("images/val/c.gif"), 4, 4, "gif"); // no YOLOv5 picture suffix: not part of the split
    String m = assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml(YAML), "val")).getMessage();
    assertTrue(m.contains("2 problems"), m);
    assertTrue(m.contains(dir.resolve("labels/val/ghost.txt") + ": label file without an image"), m);
    assertTrue(m.contains(dir.resolve("images/val/b.png") + ": unreadable image format (not a PNG, JPEG or BMP signature)"), m);
  }

  @Test
  void rejectsAWebpPictureAndATruncatedPngHeader() throws IOException {
    DetectFixtures.text(dir.resolve("images/val/a.webp"), "RIFF....WEBPVP8 ");
    byte[] png = java.nio.file.Files.readAllBytes(DetectFixtures.picture(dir.resolve("x/full.png"), 10, 10, "png"));
    java.nio.file.Files.write(dir.resolve("images/val/b.png"), java.util.Arrays.copyOf(png, 12));
    String m = assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml(YAML), "val")).getMessage();
    assertTrue(m.contains(dir.resolve("images/val/a.webp") + ": unreadable image format"), m);
    assertTrue(m.contains(dir.resolve("images/val/b.png") + ": unreadable png header"), m);
  }

  @Test
  void rejectsYamlMistakesNamingTheFileAndLine() throws IOException {
    DetectFixtures.picture(dir.resolve("images/val/a.png"), 4, 4, "png");
    Path y = dir.resolve("data.yaml");
    assertEquals(y + ": nc is 3 but names lists 2",
        assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml("val: images/val\nnc: 3\nnames: [a, b]\n"), "val")).getMessage());
    assertEquals(y + ":2: names: the indices must be 0..1, 1 is missing",
        assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml("val: images/val\nnames:\n  0: a\n  2: b\n"), "val")).getMessage());
    assertEquals(y + ":1: expected 'key: value'",
        assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml("just words\n"), "val")).getMessage());
    assertEquals(y + ": no 'test' folder given",
        assertThrows(InvalidDatasetException.class, () -> YoloDataset.open(yaml(YAML), "test")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> YoloDataset.open(yaml(YAML), "validation"));
  }
}
