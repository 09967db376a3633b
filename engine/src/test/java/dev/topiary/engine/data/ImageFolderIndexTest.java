package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderIndexTest {
  @TempDir Path root;

  /** Class folders of empty files: indexing never opens an image. */
  private Path files(Path dir, int... perClass) throws IOException {
    for (int c = 0; c < perClass.length; c++) {
      Path d = Files.createDirectories(dir.resolve("k" + c));
      for (int i = 0; i < perClass[c]; i++) {
        Files.createFile(d.resolve(String.format("%03d.jpg", i)));
      }
      Files.createFile(d.resolve(".hidden.jpg"));
      Files.createFile(d.resolve("readme.txt"));
    }
    return dir;
  }

  private static Set<Path> set(ImageFolderIndex ix) {
    Set<Path> s = new HashSet<>();
    for (int i = 0; i < ix.size(); i++) {
      s.add(ix.file(i));
    }
    return s;
  }

  @Test
  void indexesFilesAndLabelsWithoutDecoding() throws IOException {
    ImageFolderIndex ix = ImageFolderIndex.scan(files(root, 2, 3));
    assertEquals(List.of("k0", "k1"), ix.classNames());
    assertEquals(5, ix.size());
    assertEquals(root.resolve("k1").resolve("000.jpg"), ix.file(2));
    assertEquals(1, ix.label(2));
    assertEquals(0, ix.label(1));
  }

  @Test
  void splitByFractionIsDeterministicDisjointAndStratified() throws IOException {
    ImageFolderIndex ix = ImageFolderIndex.scan(files(root, 10, 20, 1));
    ImageFolderIndex[] a = ix.splitByFraction(0.3, 5);
    ImageFolderIndex[] b = ix.splitByFraction(0.3, 5);
    ImageFolderIndex[] other = ix.splitByFraction(0.3, 6);
    assertEquals(set(a[1]), set(b[1]));
    assertNotEquals(set(a[1]), set(other[1]), "another seed holds out other files");
    Set<Path> train = set(a[0]);
    Set<Path> val = set(a[1]);
    assertTrue(train.stream().noneMatch(val::contains), "disjoint");
    assertEquals(ix.size(), train.size() + val.size());
    int[] perClass = new int[3];
    for (int i = 0; i < a[1].size(); i++) {
      perClass[a[1].label(i)]++;
    }
    assertEquals(List.of(3, 6, 0), List.of(perClass[0], perClass[1], perClass[2]), "round(0.3 n) per class; a lone file trains");
  }

  @Test
  void findsTrainWithValOrTestAndChecksTheirClasses() throws IOException {
    files(root.resolve("train"), 3, 3);
    files(root.resolve("test"), 1, 1);
    assertEquals(2, ImageFolderIndex.trainAndHeldOut(root, 0, 0)[1].size(), "test/ when there is no val/");
    files(root.resolve("val"), 2, 2);
    ImageFolderIndex[] parts = ImageFolderIndex.trainAndHeldOut(root, 0, 0);
    assertEquals(6, parts[0].size());
    assertEquals(4, parts[1].size(), "val/ before test/");
    var e = assertThrows(InvalidDatasetException.class, () -> ImageFolderIndex.trainAndHeldOut(root, 0.2, 0));
    assertTrue(e.getMessage().contains("valFraction"), e.getMessage());
    Files.createDirectories(root.resolve("val").resolve("extra"));
    Files.createFile(root.resolve("val").resolve("extra").resolve("x.png"));
    e = assertThrows(InvalidDatasetException.class, () -> ImageFolderIndex.trainAndHeldOut(root, 0, 0));
    assertTrue(e.getMessage().startsWith(root.resolve("val") + ": classes [extra, k0, k1]"), e.getMessage());
  }

  @Test
  void aSingleFolderIsSplitByTheFractionOrTheDefault() throws IOException {
    files(root, 10, 10);
    assertEquals(2, ImageFolderIndex.trainAndHeldOut(root, 0, 0)[1].size(), "default 0.1");
    assertEquals(10, ImageFolderIndex.trainAndHeldOut(root, 0.5, 0)[1].size());
  }

  @Test
  void aSplitThatHoldsOutNothingIsRefused() throws IOException {
    files(root, 1, 1);
    var e = assertThrows(InvalidDatasetException.class, () -> ImageFolderIndex.trainAndHeldOut(root, 0.5, 0));
    assertTrue(e.getMessage().contains("valFraction 0.5 holds out no image"), e.getMessage());
  }

  @Test
  void anEmptyClassFolderIsNamed() throws IOException {
    files(root, 1);
    Files.createDirectories(root.resolve("empty"));
    var e = assertThrows(InvalidDatasetException.class, () -> ImageFolderIndex.scan(root));
    assertTrue(e.getMessage().startsWith(root.resolve("empty").toString()), e.getMessage());
  }
}
