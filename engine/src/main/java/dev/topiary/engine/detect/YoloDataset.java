package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Opens a split of a dataset in YOLOv5's layout: a yaml file ({@code path}, {@code train},
 * {@code val}, optional {@code test}, {@code nc}, {@code names} as a list or an index map; read by
 * {@link DataYaml}), the split's pictures in a folder under an {@code images} folder (searched
 * recursively, YOLOv5's picture suffixes) and, for picture {@code images/<split>/a.png}, the label
 * file {@code labels/<split>/a.txt} (YOLOv5's rule: the last {@code images} folder of the path
 * becomes {@code labels}) with one line {@code class cx cy w h} per object, normalised to the
 * picture. A picture without a label file has no objects, as in YOLOv5.
 *
 * <p>A relative {@code path} is resolved against the yaml's folder (YOLOv5 resolves it against its
 * own checkout), and no {@code path} means the yaml's folder. Validation is YOLOv5's
 * ({@code verify_image_label}): every line holds 5 numbers, an integral class below the class
 * count, and {@code cx cy w h} within [0, 1] (exactly; no tolerance); a box's corners that stick
 * out of the picture are clipped to it, as YOLOv5's augmentation clips them. Every problem in the
 * split is reported at once, each naming the file and line.
 */
public final class YoloDataset {
  private YoloDataset() {}

  /**
   * The class names {@code dataYaml} declares, without opening a split (a submission's check of a
   * detector's classes against a stored dataset reads only this file).
   *
   * @throws InvalidDatasetException naming the file and line when it is malformed
   */
  public static List<String> classNames(Path dataYaml) {
    return classNames(dataYaml, DataYaml.read(dataYaml));
  }

  /** Opens {@code split} ("train", "val" or "test") of the dataset described by {@code dataYaml}. */
  public static DetectionDataset open(Path dataYaml, String split) {
    DataYaml yaml = DataYaml.read(dataYaml);
    String rel = switch (split) {
      case "train" -> yaml.train();
      case "val" -> yaml.val();
      case "test" -> yaml.test();
      default -> throw new IllegalArgumentException("split: expected train, val or test, got '" + split + "'");
    };
    if (rel == null) {
      throw new InvalidDatasetException(dataYaml + ": no '" + split + "' folder given");
    }
    List<String> names = classNames(dataYaml, yaml);
    Path base = dataYaml.toAbsolutePath().getParent();
    Path root = yaml.path() == null ? base : base.resolve(yaml.path());
    Path imagesDir = root.resolve(rel).normalize();
    if (!Files.isDirectory(imagesDir)) {
      throw new InvalidDatasetException(dataYaml + ": " + split + ": " + imagesDir
          + " is not a folder (picture lists in .txt files are not supported)");
    }
    Path labelsDir = labelsFolder(dataYaml, split, imagesDir);
    DatasetProblems problems = new DatasetProblems(dataYaml + ", split " + split);
    List<Path> pictures = walk(imagesDir, ImageFiles::isPictureName);
    List<Path> files = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<int[]> sizes = new ArrayList<>();
    List<List<GroundTruth>> objects = new ArrayList<>();
    Set<Path> labelled = new HashSet<>();
    for (Path rp : pictures) {
      Path picture = imagesDir.resolve(rp);
      Path label = labelsDir.resolve(withSuffix(rp, ".txt"));
      labelled.add(label);
      int[] wh;
      try {
        wh = ImageFiles.size(picture);
      } catch (InvalidDatasetException e) {
        problems.add(e.getMessage());
        continue;
      }
      files.add(picture);
      ids.add(rp.toString());
      sizes.add(wh);
      objects.add(Files.isRegularFile(label) ? readLabel(label, names.size(), wh[0], wh[1], problems) : List.of());
    }
    if (Files.isDirectory(labelsDir)) {
      for (Path rl : walk(labelsDir, p -> p.getFileName().toString().endsWith(".txt"))) {
        if (!labelled.contains(labelsDir.resolve(rl))) {
          problems.add(labelsDir.resolve(rl) + ": label file without an image (no picture " + withSuffix(rl, ".*")
              + " in " + imagesDir + ")");
        }
      }
    }
    problems.throwIfAny();
    int[] w = sizes.stream().mapToInt(s -> s[0]).toArray();
    int[] h = sizes.stream().mapToInt(s -> s[1]).toArray();
    return new DetectionDataset(names, files, ids, w, h, objects);
  }

  private static List<String> classNames(Path yamlFile, DataYaml yaml) {
    if (yaml.names() == null && yaml.nc() == null) {
      throw new InvalidDatasetException(yamlFile + ": neither nc nor names given");
    }
    if (yaml.names() != null && yaml.nc() != null && yaml.names().size() != yaml.nc()) {
      throw new InvalidDatasetException(yamlFile + ": nc is " + yaml.nc() + " but names lists " + yaml.names().size());
    }
    if (yaml.names() != null) {
      if (yaml.names().isEmpty()) {
        throw new InvalidDatasetException(yamlFile + ": names is empty");
      }
      return yaml.names();
    }
    if (yaml.nc() < 1) {
      throw new InvalidDatasetException(yamlFile + ": nc must be at least 1, got " + yaml.nc());
    }
    List<String> generated = new ArrayList<>();
    for (int c = 0; c < yaml.nc(); c++) {
      generated.add("class" + c); // YOLOv5's names when only nc is given
    }
    return generated;
  }

  /** YOLOv5's img2label_paths: the last folder named "images" becomes "labels". */
  private static Path labelsFolder(Path yamlFile, String split, Path imagesDir) {
    for (int k = imagesDir.getNameCount() - 1; k >= 0; k--) {
      if (imagesDir.getName(k).toString().equals("images")) {
        Path labels = imagesDir.getRoot().resolve(imagesDir.subpath(0, k)).resolve("labels");
        return k + 1 < imagesDir.getNameCount() ? labels.resolve(imagesDir.subpath(k + 1, imagesDir.getNameCount())) : labels;
      }
    }
    throw new InvalidDatasetException(yamlFile + ": " + split + ": " + imagesDir
        + " does not lie in an 'images' folder, so its labels folder is unknown");
  }

  private static List<GroundTruth> readLabel(Path file, int classes, int width, int height, DatasetProblems problems) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      problems.add(file + ": cannot read label file (" + e + ")");
      return List.of();
    }
    List<GroundTruth> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = file + ":" + (i + 1) + ": ";
      String[] t = line.split("\\s+");
      if (t.length != 5) {
        problems.add(where + "expected 5 numbers (class cx cy w h), got " + t.length + " fields");
        continue;
      }
      double[] v = new double[5];
      boolean numbers = true;
      for (int k = 0; k < 5 && numbers; k++) {
        try {
          v[k] = Double.parseDouble(t[k]);
          numbers = Double.isFinite(v[k]);
        } catch (NumberFormatException e) {
          numbers = false;
        }
      }
      if (!numbers) {
        problems.add(where + "expected 5 numbers (class cx cy w h), got '" + line + "'");
        continue;
      }
      int cls = (int) v[0];
      if (cls != v[0] || cls < 0 || cls >= classes) {
        problems.add(where + "class " + t[0] + " is not a class index in [0, " + classes + ")");
        continue;
      }
      if (v[1] < 0 || v[1] > 1 || v[2] < 0 || v[2] > 1 || v[3] < 0 || v[3] > 1 || v[4] < 0 || v[4] > 1) {
        problems.add(where + "coordinates outside [0, 1] (cx cy w h = " + t[1] + " " + t[2] + " " + t[3] + " " + t[4] + ")");
        continue;
      }
      out.add(new GroundTruth(cls,
          clip((v[1] - v[3] / 2) * width, width), clip((v[2] - v[4] / 2) * height, height),
          clip((v[1] + v[3] / 2) * width, width), clip((v[2] + v[4] / 2) * height, height)));
    }
    return out;
  }

  private static float clip(double v, int max) {
    return (float) Math.max(0, Math.min(max, v));
  }

  private static Path withSuffix(Path rel, String suffix) {
    String name = rel.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return rel.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + suffix);
  }

  /** Files under {@code dir} kept by {@code keep}, relative to it, in name order. */
  private static List<Path> walk(Path dir, java.util.function.Predicate<Path> keep) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(keep).map(dir::relativize)
          .sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
    } catch (IOException e) {
      throw new InvalidDatasetException(dir + ": cannot list folder (" + e + ")", e);
    }
  }
}
