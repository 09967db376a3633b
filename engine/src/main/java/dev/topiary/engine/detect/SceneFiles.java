package dev.topiary.engine.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.InvalidDatasetException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The files {@link DetectionScenes} writes, and the rule that keeps it from harming anything else:
 * it writes only into an empty (or new) folder or into one holding its marker file
 * {@value #MARKER}, and it deletes only its own names there ({@code data.yaml},
 * {@code annotations/instances_{train,val}.json}, {@code NNNNNN.png|txt} in
 * {@code images|labels/{train,val}}). The marker is written first, so an interrupted run is still
 * recognised and cleaned by the next; each file is written under a temporary name and renamed,
 * so no file is ever half written.
 */
final class SceneFiles {
  static final String MARKER = ".detection-data";
  static final List<String> SPLITS = List.of("train", "val");

  private SceneFiles() {}

  /** Makes {@code out} ready: refuses a foreign non-empty folder, removes a previous output's files. */
  static void prepare(Path out) {
    try {
      if (Files.isDirectory(out)) {
        boolean empty;
        try (Stream<Path> s = Files.list(out)) {
          empty = s.findAny().isEmpty();
        }
        if (!empty && !Files.isRegularFile(out.resolve(MARKER))) {
          throw new IllegalArgumentException("--out " + out + ": the folder is not empty and was not written by "
              + "detection-data (it has no " + MARKER + " file); give an empty or new folder");
        }
        clean(out);
      } else if (Files.exists(out)) {
        throw new IllegalArgumentException("--out " + out + ": exists and is not a folder");
      }
      Files.createDirectories(out);
      write(out.resolve(MARKER), "written by topiary engine detection-data; its files here may be replaced\n".getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InvalidDatasetException(out + ": cannot prepare the output folder (" + e + ")", e);
    }
  }

  private static void clean(Path out) throws IOException {
    Files.deleteIfExists(out.resolve("data.yaml"));
    for (String split : SPLITS) {
      Files.deleteIfExists(out.resolve("annotations").resolve("instances_" + split + ".json"));
      for (String kind : List.of("images", "labels")) {
        Path dir = out.resolve(kind).resolve(split);
        if (Files.isDirectory(dir)) {
          try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().matches("\\d{6}\\.(png|txt)(\\.tmp)?")).toList()) {
              Files.delete(p);
            }
          }
          deleteIfEmpty(dir);
        }
      }
    }
    for (String dir : List.of("images", "labels", "annotations")) {
      deleteIfEmpty(out.resolve(dir));
    }
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    }
  }

  /** Writes {@code bytes} to {@code file} through a temporary name in the same folder. */
  static void write(Path file, byte[] bytes) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot write (" + e + ")", e);
    }
  }

  /** An RGB picture as PNG bytes (ImageIO's encoder writes no timestamp, so equal pixels give equal bytes). */
  static byte[] png(DetectionImage img) {
    int plane = img.height() * img.width();
    BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
    byte[] chw = img.chw();
    for (int p = 0; p < plane; p++) {
      bgr[3 * p] = chw[2 * plane + p];
      bgr[3 * p + 1] = chw[plane + p];
      bgr[3 * p + 2] = chw[p];
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(bi, "png", bytes);
    } catch (IOException e) {
      throw new IllegalStateException("PNG encoding in memory failed", e);
    }
    return bytes.toByteArray();
  }

  /** A YOLO label file: {@code class cx cy w h} normalised by the side, six decimals. */
  static byte[] yoloLabel(List<GroundTruth> objects, int size) {
    StringBuilder s = new StringBuilder();
    for (GroundTruth g : objects) {
      s.append(String.format(Locale.ROOT, "%d %.6f %.6f %.6f %.6f%n", g.cls(),
          (g.x1() + g.x2()) / 2 / size, (g.y1() + g.y2()) / 2 / size, g.width() / size, g.height() / size));
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * YOLOv5's dataset yaml. {@code path: .} is this file's folder for Topiary's reader; YOLOv5's
   * train.py resolves a relative path against its own checkout, hence the comment.
   */
  static byte[] dataYaml(List<String> names, boolean hasVal, long seed, int size) {
    StringBuilder s = new StringBuilder()
        .append("# Fashion-MNIST scenes written by topiary engine detection-data (seed ").append(seed)
        .append(", ").append(size).append(" px)\n")
        .append("# path is relative to this file; for YOLOv5's train.py give this folder's absolute path\n")
        .append("path: .\ntrain: images/train\n");
    if (hasVal) {
      s.append("val: images/val\n");
    }
    s.append("nc: ").append(names.size()).append("\nnames:\n");
    for (int c = 0; c < names.size(); c++) {
      s.append("  ").append(c).append(": '").append(names.get(c).replace("'", "''")).append("'\n");
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** COCO instances JSON: image ids from 1, category ids 1..n for classes 0..n-1, integer boxes. */
  static byte[] cocoJson(List<String> names, List<List<GroundTruth>> objects, int size) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.putObject("info").put("description", "Fashion-MNIST scenes written by topiary engine detection-data");
    ArrayNode images = root.putArray("images");
    ArrayNode annotations = root.putArray("annotations");
    int annotation = 1;
    for (int i = 0; i < objects.size(); i++) {
      images.addObject().put("id", i + 1).put("file_name", DetectionScenes.fileName(i, "png"))
          .put("width", size).put("height", size);
      for (GroundTruth g : objects.get(i)) {
        ObjectNode a = annotations.addObject().put("id", annotation++).put("image_id", i + 1).put("category_id", g.cls() + 1);
        a.putArray("bbox").add((int) g.x1()).add((int) g.y1()).add((int) g.width()).add((int) g.height());
        a.put("area", (int) g.width() * (int) g.height()).put("iscrowd", 0);
      }
    }
    ArrayNode categories = root.putArray("categories");
    for (int c = 0; c < names.size(); c++) {
      categories.addObject().put("id", c + 1).put("name", names.get(c)).put("supercategory", "fashion");
    }
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding in memory failed", e);
    }
  }
}
