package dev.topiary.gateway.upload;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.YoloDataset;
import dev.topiary.gateway.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A detection dataset upload in YOLOv5's layout, unpacked: {@code data.yaml} at the top of the zip
 * (or of its one top folder), its {@code train} and {@code val} splits opened with the engine's
 * {@link YoloDataset}, which validates every label line and picture (5 numbers, coordinates in
 * [0, 1], class ids below the class count, a picture for every label, every picture readable).
 * A refusal names the file (relative to the zip) and line. The yaml's folders must lie inside the
 * upload. Stateless.
 */
final class YoloUploadCheck {
  /** What the upload holds, for the answer. */
  record Summary(Path root, int trainSamples, int valSamples, List<String> classNames, List<int[]> shapes) {}

  private static final int MAX_SHAPES = 8;

  private YoloUploadCheck() {}

  static Summary check(Path dir, String zipName) {
    Path root = root(dir, zipName);
    Path yaml = root.resolve("data.yaml");
    DetectionDataset train = open(yaml, "train", dir, zipName);
    DetectionDataset val = open(yaml, "val", dir, zipName);
    Set<List<Integer>> shapes = new LinkedHashSet<>();
    for (DetectionDataset d : List.of(train, val)) {
      for (int i = 0; i < d.size(); i++) {
        if (!d.file(i).toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
          throw ApiException.badRequest(DatasetUploads.FILE_PART, zipName + ": data.yaml points outside the upload (" + d.file(i).getFileName()
              + "); give path, train and val relative to data.yaml's folder");
        }
        if (shapes.size() < MAX_SHAPES) {
          shapes.add(List.of(3, d.height(i), d.width(i)));
        }
      }
    }
    List<int[]> shapeList = new ArrayList<>();
    shapes.forEach(s -> shapeList.add(s.stream().mapToInt(Integer::intValue).toArray()));
    return new Summary(root, train.size(), val.size(), train.classNames(), shapeList);
  }

  /** The folder holding {@code data.yaml}: the zip's top, or its only top folder. */
  private static Path root(Path dir, String zipName) {
    if (Files.isRegularFile(dir.resolve("data.yaml"))) {
      return dir;
    }
    List<Path> folders;
    try (Stream<Path> s = Files.list(dir)) {
      folders = s.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
    if (folders.size() == 1 && Files.isRegularFile(folders.get(0).resolve("data.yaml"))) {
      return folders.get(0);
    }
    throw ApiException.badRequest(DatasetUploads.FILE_PART, zipName + ": no data.yaml at the top of the zip (or of its one top folder);"
        + " a yolo dataset holds data.yaml, images/{train,val}/ and labels/{train,val}/");
  }

  private static DetectionDataset open(Path yaml, String split, Path dir, String zipName) {
    try {
      return YoloDataset.open(yaml, split);
    } catch (TopiaryException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage()).replace(dir.toAbsolutePath() + "/", "").replace(dir + "/", "")
          .replace(dir.toAbsolutePath().toString(), zipName).replace(dir.toString(), zipName);
      throw ApiException.badRequest(DatasetUploads.FILE_PART, "not a yolo dataset (" + split + " split): " + m);
    }
  }
}
