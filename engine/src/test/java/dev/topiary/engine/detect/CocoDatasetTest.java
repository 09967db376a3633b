package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoDatasetTest {
  @TempDir Path dir;

  @BeforeEach
  void pictures() throws IOException {
    DetectFixtures.picture(dir.resolve("img/a.png"), 40, 30, "png");
    DetectFixtures.picture(dir.resolve("img/b.jpg"), 20, 10, "jpeg");
  }

  private Path json(String annotations) throws IOException {
    return DetectFixtures.text(dir.resolve("instances_val.json"), """
        {"images": [{"id": 7, "file_name": "b.jpg", "width": 20, "height": 10},
                    {"id": 3, "file_name": "a.png", "width": 40, "height": 30}],
         "categories": [{"id": 18, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 5, "name": "bus"}],
         "annotations": [%s]}
        """.formatted(annotations));
  }

  @Test
  void mapsCategoryIdsToClassesInIdOrderAndSkipsCrowds() throws IOException {
    DetectionDataset ds = CocoDataset.open(json("""
        {"id": 1, "image_id": 3, "category_id": 18, "bbox": [10, 5, 20.5, 10], "iscrowd": 0},
        {"id": 2, "image_id": 3, "category_id": 1, "bbox": [0, 0, 40, 30], "iscrowd": 1},
        {"id": 3, "image_id": 7, "category_id": 5, "bbox": [-0.5, 2, 20.4, 8]},
        {"id": 4, "image_id": 3, "category_id": 1, "bbox": [1, 2, 3, 4]}
        """), dir.resolve("img"));
    assertEquals(List.of("person", "bus", "dog"), ds.classNames());
    assertEquals(List.of("b.jpg", "a.png"), List.of(ds.id(0), ds.id(1)), "pictures keep the file's order");
    // within the 1-pixel tolerance, clipped to the 20 x 10 picture
    assertEquals(List.of(new GroundTruth(1, 0, 2, 19.9f, 10)), ds.objects(0));
    assertEquals(List.of(new GroundTruth(2, 10, 5, 30.5f, 15), new GroundTruth(0, 1, 2, 4, 6)), ds.objects(1));
    assertEquals(20, ds.load(0).width());
  }

  @Test
  void reportsDanglingImagesUnknownCategoriesAndBadBoxesByAnnotationId() throws IOException {
    Path file = json("""
        {"id": 11, "image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2]},
        {"id": 12, "image_id": 3, "category_id": 2, "bbox": [1, 1, 2, 2]},
        {"id": 13, "image_id": 3, "category_id": 1, "bbox": [1, 1, 2]},
        {"id": 14, "image_id": 3, "category_id": 1, "bbox": [30, 1, 12, 2]},
        {"id": 15, "image_id": 3, "category_id": 1, "bbox": [1, 1, -2, 2]},
        {"id": 15, "image_id": 3, "category_id": 1, "bbox": [1, 1, 2, 2]}
        """);
    String m = assertThrows(InvalidDatasetException.class, () -> CocoDataset.open(file, dir.resolve("img"))).getMessage();
    assertTrue(m.startsWith(file + ": 6 problems"), m);
    assertTrue(m.contains(file + ": annotation 11: image_id 99 is not among the images"), m);
    assertTrue(m.contains(file + ": annotation 12: category_id 2 is not among the categories"), m);
    assertTrue(m.contains(file + ": annotation 13: bbox must be 4 numbers [x, y, w, h], got [1,1,2]"), m);
    assertTrue(m.contains(file + ": annotation 14: bbox [30,1,12,2] leaves the 40x30 picture"), m);
    assertTrue(m.contains(file + ": annotation 15: bbox [1,1,-2,2] has a negative or non-finite size"), m);
    assertTrue(m.contains(file + ": annotation 15: id missing or given twice"), m);
  }

  @Test
  void reportsMissingUnreadableAndMissizedPictures() throws IOException {
    DetectFixtures.text(dir.resolve("img/c.png"), "not a picture");
    Path file = DetectFixtures.text(dir.resolve("instances_train.json"), """
        {"images": [{"id": 1, "file_name": "gone.png", "width": 5, "height": 5},
                    {"id": 2, "file_name": "c.png", "width": 5, "height": 5},
                    {"id": 3, "file_name": "a.png", "width": 41, "height": 30},
                    {"id": 4, "file_name": "b.jpg"}, {"id": 4, "file_name": "b.jpg"}],
         "categories": [{"id": 1, "name": "x"}], "annotations": []}
        """);
    String m = assertThrows(InvalidDatasetException.class, () -> CocoDataset.open(file, dir.resolve("img"))).getMessage();
    assertTrue(m.contains("4 problems"), m);
    assertTrue(m.contains(file + ": image 1: " + dir.resolve("img/gone.png") + " not found"), m);
    assertTrue(m.contains(file + ": image 2: " + dir.resolve("img/c.png") + ": unreadable image format"), m);
    assertTrue(m.contains(file + ": image 3: width x height 41x30 but " + dir.resolve("img/a.png") + " is 40x30"), m);
    assertTrue(m.contains(file + ": image 4: id given twice"), m);
  }

  @Test
  void rejectsAFileThatIsNotCocoJson() throws IOException {
    Path file = DetectFixtures.text(dir.resolve("x.json"), "{\"images\": {}}");
    assertEquals(file + ": 'images' must be an array",
        assertThrows(InvalidDatasetException.class, () -> CocoDataset.open(file, dir)).getMessage());
  }

  @Test
  void refusesFileNamesThatLeadOutOfTheImagesFolder() throws IOException {
    DetectFixtures.picture(dir.resolve("outside.png"), 8, 8, "png");
    Path file = DetectFixtures.text(dir.resolve("instances_train.json"), """
        {"images": [{"id": 1, "file_name": "../outside.png"}, {"id": 2, "file_name": "%s"}],
         "categories": [{"id": 1, "name": "x"}], "annotations": []}
        """.formatted(dir.resolve("outside.png")));
    String m = assertThrows(InvalidDatasetException.class, () -> CocoDataset.open(file, dir.resolve("img"))).getMessage();
    assertTrue(m.contains(file + ": image 1: file_name '../outside.png' leads out of the images folder"), m);
    assertTrue(m.contains(file + ": image 2: file_name '" + dir.resolve("outside.png") + "' leads out of the images folder"), m);
  }

  @Test
  void readsTheClassNamesAloneInIdOrder() throws IOException {
    Path file = json("{\"id\": 11, \"image_id\": 99, \"category_id\": 1, \"bbox\": [1, 1, 2, 2]}");
    assertEquals(List.of("person", "bus", "dog"), CocoDataset.classNames(file), "the dangling annotation is not read");
    Path none = DetectFixtures.text(dir.resolve("none.json"), "{\"images\": [], \"categories\": {}}");
    assertEquals(none + ": 'categories' must be an array", assertThrows(InvalidDatasetException.class, () -> CocoDataset.classNames(none)).getMessage());
  }
}
