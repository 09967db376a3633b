package dev.topiary.gateway.upload;

import dev.topiary.engine.TopiaryException;
import dev.topiary.engine.detect.CocoDataset;
import dev.topiary.engine.detect.DetectionDataset;
import dev.topiary.engine.detect.DetectionFolders;
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
 * A detection dataset upload, unpacked, opened whole by the engine's reader for its layout ({@link
 * DetectionFolders}), both splits:
 * <ul>
 *   <li>{@code yolo}: {@code data.yaml} at the top of the zip (or of its one top folder), read by
 *       {@link YoloDataset}, which validates every label line and picture (5 numbers, coordinates
 *       in [0, 1], class ids below the class count, a picture for every label, every picture
 *       readable); a refusal names the file (relative to the zip) and line;
 *   <li>{@code coco}: {@code annotations/instances_train.json} and {@code instances_val.json} at
 *       the top (or in its one top folder), pictures under {@code images/train/} and {@code
 *       images/val/}, read by {@link CocoDataset} (JSON, image ids, category ids, boxes inside
 *       their picture, every picture present and readable); a refusal names the file and the
 *       annotation or image id.
 * </ul>
 * Every picture must lie inside the upload. Messages name files relative to the zip, never a
 * server path. Stateless.
 */
final class DetectionUploadCheck {
  /** What the upload holds, for the answer; {@code root} is the folder stored (the dataset's top). */
  record Summary(Path root, int trainSamples, int valSamples, List<String> classNames, List<int[]> shapes) {}

  private static final int MAX_SHAPES = 8;
  private static final String COCO_MARKER = "annotations/instances_train.json";

  private DetectionUploadCheck() {}

  /** @param format {@value DetectionFolders#YOLO} or {@value DetectionFolders#COCO} */
  static Summary check(String format, Path dir, String zipName) {
    boolean coco = DetectionFolders.COCO.equals(format);
    Path root = root(dir, zipName, coco ? COCO_MARKER : "data.yaml", coco
        ? "a coco dataset holds annotations/instances_{train,val}.json and images/{train,val}/"
        : "a yolo dataset holds data.yaml, images/{train,val}/ and labels/{train,val}/");
    DetectionDataset train = open(format, root, "train", dir, zipName);
    DetectionDataset val = open(format, root, "val", dir, zipName);
    Set<List<Integer>> shapes = new LinkedHashSet<>();
    for (DetectionDataset d : List.of(train, val)) {
      for (int i = 0; i < d.size(); i++) {
        if (!d.file(i).toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
          throw ApiException.badRequest(DatasetUploads.FILE_PART, zipName + ": " + (coco ? "an image's file_name" : "data.yaml")
              + " points outside the upload (" + d.file(i).getFileName() + "); give " + (coco ? "file_name relative to images/<split>/"
              : "path, train and val relative to data.yaml's folder"));
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

  /** The folder holding {@code marker}: the zip's top, or its only top folder. */
  private static Path root(Path dir, String zipName, String marker, String layout) {
    if (Files.isRegularFile(dir.resolve(marker))) {
      return dir;
    }
    List<Path> folders;
    try (Stream<Path> s = Files.list(dir)) {
      folders = s.filter(Files::isDirectory).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir, e);
    }
    if (folders.size() == 1 && Files.isRegularFile(folders.get(0).resolve(marker))) {
      return folders.get(0);
    }
    throw ApiException.badRequest(DatasetUploads.FILE_PART, zipName + ": no " + marker + " at the top of the zip (or of its one top folder); "
        + layout);
  }

  private static DetectionDataset open(String format, Path root, String split, Path dir, String zipName) {
    try {
      return DetectionFolders.open(format, root, split);
    } catch (TopiaryException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage()).replace(dir.toAbsolutePath() + "/", "").replace(dir + "/", "")
          .replace(dir.toAbsolutePath().toString(), zipName).replace(dir.toString(), zipName);
      throw ApiException.badRequest(DatasetUploads.FILE_PART, "not a " + format + " dataset (" + split + " split): " + m);
    }
  }
}
