package dev.topiary.engine.detect;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opens a COCO detection file ({@code instances_*.json}: {@code images}, {@code annotations} with
 * {@code bbox} [x, y, w, h] in pixels, {@code categories}) whose pictures lie in {@code imagesDir}
 * under their {@code file_name}. Category ids are mapped to contiguous class indices in id order
 * (COCO's 1..90 with gaps become 0..79); {@code iscrowd} annotations are skipped, as YOLOv5's
 * converter and its evaluation skip them. Pictures keep the file's order.
 *
 * <p>Validated at open, every problem reported at once, each naming the annotation or image id:
 * a dangling {@code image_id}, an unknown {@code category_id}, a {@code bbox} that is not four
 * numbers with w, h ≥ 0 or that leaves the picture by more than {@value #TOLERANCE_PX} pixel (a
 * box within that margin is clipped), a picture file that is missing, not PNG/JPEG/BMP, or whose
 * header disagrees with the file's width and height, a {@code file_name} that leads out of
 * {@code imagesDir} (absolute, or through {@code ..}), and repeated ids.
 */
public final class CocoDataset {
  /** How far (pixels) a box may stick out of its picture before it is an error; it is clipped. */
  public static final float TOLERANCE_PX = 1f;

  private CocoDataset() {}

  public static DetectionDataset open(Path instancesJson, Path imagesDir) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(instancesJson.toFile());
    } catch (IOException e) {
      throw new InvalidDatasetException(instancesJson + ": not a readable JSON file (" + e.getMessage() + ")", e);
    }
    for (String key : List.of("images", "annotations", "categories")) {
      if (!root.path(key).isArray()) {
        throw new InvalidDatasetException(instancesJson + ": '" + key + "' must be an array");
      }
    }
    DatasetProblems problems = new DatasetProblems(instancesJson.toString());
    String at = instancesJson + ": ";
    Map<Long, Integer> classOf = categories(root.get("categories"), at, problems);
    List<String> names = new ArrayList<>();
    TreeMap<Long, String> byId = new TreeMap<>();
    for (JsonNode c : root.get("categories")) {
      byId.putIfAbsent(c.path("id").asLong(), c.path("name").asText(""));
    }
    names.addAll(byId.values());

    Map<Long, Integer> indexOf = new HashMap<>();
    List<Path> files = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<int[]> sizes = new ArrayList<>();
    for (JsonNode img : root.get("images")) {
      long id = img.path("id").asLong(-1);
      String name = img.path("file_name").asText("");
      String where = at + "image " + id + ": ";
      if (!img.path("id").canConvertToLong() || name.isEmpty()) {
        problems.add(at + "an image without a whole-number id or a file_name: " + img);
        continue;
      }
      if (indexOf.containsKey(id)) {
        problems.add(where + "id given twice");
        continue;
      }
      Path file = imagesDir.resolve(name).normalize();
      if (Path.of(name).isAbsolute() || !file.startsWith(imagesDir.normalize())) {
        problems.add(where + "file_name '" + name + "' leads out of the images folder; give a path relative to it");
        continue;
      }
      if (!Files.isRegularFile(file)) {
        problems.add(where + file + " not found");
        continue;
      }
      int[] wh;
      try {
        wh = ImageFiles.size(file);
      } catch (InvalidDatasetException e) {
        problems.add(where + e.getMessage());
        continue;
      }
      if (img.path("width").asInt(wh[0]) != wh[0] || img.path("height").asInt(wh[1]) != wh[1]) {
        problems.add(where + "width x height " + img.path("width") + "x" + img.path("height")
            + " but " + file + " is " + wh[0] + "x" + wh[1]);
        continue;
      }
      indexOf.put(id, files.size());
      files.add(file);
      ids.add(name);
      sizes.add(wh);
    }
    List<List<GroundTruth>> objects = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      objects.add(new ArrayList<>());
    }
    java.util.Set<Long> annotationIds = new java.util.HashSet<>();
    for (JsonNode a : root.get("annotations")) {
      String where = at + "annotation " + a.path("id").asText("?") + ": ";
      if (!annotationIds.add(a.path("id").asLong(Long.MIN_VALUE))) {
        problems.add(where + "id missing or given twice");
        continue;
      }
      long imageId = a.path("image_id").asLong(Long.MIN_VALUE);
      Integer image = indexOf.get(imageId);
      if (image == null) {
        problems.add(where + "image_id " + a.path("image_id") + " is not among the images");
        continue;
      }
      Integer cls = classOf.get(a.path("category_id").asLong(Long.MIN_VALUE));
      if (cls == null) {
        problems.add(where + "category_id " + a.path("category_id") + " is not among the categories");
        continue;
      }
      GroundTruth box = box(a.path("bbox"), cls, sizes.get(image), where, problems);
      if (box != null && a.path("iscrowd").asInt(0) == 0) {
        objects.get(image).add(box);
      }
    }
    problems.throwIfAny();
    return new DetectionDataset(names, files, ids, sizes.stream().mapToInt(s -> s[0]).toArray(),
        sizes.stream().mapToInt(s -> s[1]).toArray(), objects);
  }

  /**
   * The class names of a COCO file (its {@code categories}' names in id order, as {@link #open}
   * numbers them) without reading its images or annotations: the file is streamed and only {@code
   * categories} is kept.
   *
   * @throws InvalidDatasetException naming the file when it is not JSON or has no categories array
   */
  public static List<String> classNames(Path instancesJson) {
    TreeMap<Long, String> byId = new TreeMap<>();
    try (JsonParser in = new ObjectMapper().createParser(instancesJson.toFile())) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidDatasetException(instancesJson + ": expected a JSON object");
      }
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        in.nextToken();
        if (!"categories".equals(field)) {
          in.skipChildren();
          continue;
        }
        JsonNode cats = in.readValueAsTree();
        if (!cats.isArray()) {
          break;
        }
        cats.forEach(c -> byId.putIfAbsent(c.path("id").asLong(), c.path("name").asText("")));
        return List.copyOf(byId.values());
      }
    } catch (IOException e) {
      throw new InvalidDatasetException(instancesJson + ": not a readable JSON file (" + e.getMessage() + ")", e);
    }
    throw new InvalidDatasetException(instancesJson + ": 'categories' must be an array");
  }

  /** Category id to class index, in id order. */
  private static Map<Long, Integer> categories(JsonNode cats, String at, DatasetProblems problems) {
    TreeMap<Long, Integer> sorted = new TreeMap<>();
    for (JsonNode c : cats) {
      if (!c.path("id").canConvertToLong()) {
        problems.add(at + "a category without a whole-number id: " + c);
      } else if (sorted.put(c.get("id").asLong(), 0) != null) {
        problems.add(at + "category " + c.get("id").asLong() + ": id given twice");
      }
    }
    if (sorted.isEmpty()) {
      problems.add(at + "no categories");
    }
    Map<Long, Integer> index = new HashMap<>();
    for (Long id : sorted.keySet()) {
      index.put(id, index.size());
    }
    return index;
  }

  private static GroundTruth box(JsonNode bbox, int cls, int[] wh, String where, DatasetProblems problems) {
    if (!bbox.isArray() || bbox.size() != 4 || !bbox.get(0).isNumber() || !bbox.get(1).isNumber()
        || !bbox.get(2).isNumber() || !bbox.get(3).isNumber()) {
      problems.add(where + "bbox must be 4 numbers [x, y, w, h], got " + bbox);
      return null;
    }
    float x = bbox.get(0).floatValue();
    float y = bbox.get(1).floatValue();
    float w = bbox.get(2).floatValue();
    float h = bbox.get(3).floatValue();
    if (!(w >= 0) || !(h >= 0) || !Float.isFinite(x) || !Float.isFinite(y)) {
      problems.add(where + "bbox " + bbox + " has a negative or non-finite size");
      return null;
    }
    if (x < -TOLERANCE_PX || y < -TOLERANCE_PX || x + w > wh[0] + TOLERANCE_PX || y + h > wh[1] + TOLERANCE_PX) {
      problems.add(where + "bbox " + bbox + " leaves the " + wh[0] + "x" + wh[1] + " picture");
      return null;
    }
    return new GroundTruth(cls, clip(x, wh[0]), clip(y, wh[1]), clip(x + w, wh[0]), clip(y + h, wh[1]));
  }

  private static float clip(float v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
