package dev.topiary.gateway.upload;

import dev.topiary.gateway.api.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Checks an image-folder upload entry by entry, as the zip unpacks, without holding the dataset:
 * each entry is {@code <split>/<class>/<image>} ({@code train}, {@code val} or {@code test}) or
 * {@code <class>/<image>} (one folder, split by {@code dataset.valFraction} at job time); each
 * image is non-empty, of a sane size read from its header, and decodes as PNG or JPEG; each class
 * folder holds at least one image and every split has the same classes (labels are the sorted
 * class names, so a class missing from one split would shift the others). Refusals are 400s on
 * the {@code file} part naming the zip and the entry. One instance per upload; not thread-safe.
 */
final class ImageFolderCheck implements ZipExtractor.Listener {
  static final Set<String> SPLITS = Set.of("train", "val", "test");
  /** 36 megapixels (6000 x 6000): a bigger photo is most likely a decompression bomb. */
  private static final long MAX_PIXELS = 36_000_000L;
  private static final int MAX_SHAPES = 8;

  /** What the upload holds: image counts per split and class, and the distinct image shapes seen. */
  record Summary(boolean splitLayout, int trainSamples, int testSamples, List<String> classNames, List<int[]> shapes) {}

  private final String zipName;
  /** split ("" for a single folder) to class to image count. */
  private final Map<String, Map<String, Integer>> counts = new TreeMap<>();
  private final Set<String> shapes = new LinkedHashSet<>();
  private Boolean splitLayout;

  ImageFolderCheck(String zipName) {
    this.zipName = zipName;
  }

  /** A folder entry: a class folder must later hold an image, so it is counted with none yet. */
  @Override
  public void folder(String path) {
    String[] seg = path.split("/");
    if (seg.length == 1 && !SPLITS.contains(seg[0])) {
      classCount(layout(false, path), seg[0]);
    } else if (seg.length == 2 && SPLITS.contains(seg[0])) {
      classCount(layout(true, path), seg[1]);
    } else if (seg.length > 2 || (seg.length == 2 && !SPLITS.contains(seg[0]))) {
      throw refuse(path, "is deeper than <split>/<class>/ or <class>/");
    }
  }

  /** A file entry, already unpacked at {@code file}. */
  @Override
  public void file(String path, Path file) throws IOException {
    String[] seg = path.split("/");
    String split;
    String cls;
    if (seg.length == 2 && !SPLITS.contains(seg[0])) {
      split = layout(false, path);
      cls = seg[0];
    } else if (seg.length == 3 && SPLITS.contains(seg[0])) {
      split = layout(true, path);
      cls = seg[1];
    } else {
      throw refuse(path, "is not <split>/<class>/<image> (split train, val or test) or <class>/<image>");
    }
    String lower = seg[seg.length - 1].toLowerCase(Locale.ROOT);
    if (!(lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
      throw refuse(path, "is not a .png, .jpg or .jpeg image");
    }
    if (Files.size(file) == 0) {
      throw refuse(path, "is empty (0 bytes)");
    }
    int[] shape = decode(path, file);
    if (shapes.size() < MAX_SHAPES) {
      shapes.add(shape[0] + "," + shape[1] + "," + shape[2]);
    }
    counts.computeIfAbsent(split, s -> new TreeMap<>()).merge(cls, 1, Integer::sum);
  }

  /** The checks that need every entry; then what was found. */
  Summary finish() {
    if (counts.isEmpty()) {
      throw ApiException.badRequest("file", zipName + ": holds no images: expected train/<class>/<image> and val/<class>/<image>, "
          + "or <class>/<image>");
    }
    for (Map.Entry<String, Map<String, Integer>> split : counts.entrySet()) {
      for (Map.Entry<String, Integer> cls : split.getValue().entrySet()) {
        if (cls.getValue() == 0) {
          String folder = split.getKey().isEmpty() ? cls.getKey() : split.getKey() + "/" + cls.getKey();
          throw ApiException.badRequest("file", zipName + ": class folder '" + folder + "/' holds no .png, .jpg or .jpeg image");
        }
      }
    }
    Set<String> classes = new TreeSet<>(counts.values().iterator().next().keySet());
    int train = 0;
    int test = 0;
    if (splitLayout) {
      if (!counts.containsKey("train")) {
        throw ApiException.badRequest("file", zipName + ": has " + counts.keySet() + " but no train/ folder");
      }
      if (counts.size() == 1) {
        throw ApiException.badRequest("file", zipName + ": has train/ but no val/ or test/ folder (upload the classes as top-level "
            + "folders instead to split them by dataset.valFraction)");
      }
      if (counts.containsKey("val") && counts.containsKey("test")) {
        throw ApiException.badRequest("file", zipName + ": has both val/ and test/; the evaluation split must be one of them");
      }
      classes = new TreeSet<>(counts.get("train").keySet());
      for (Map.Entry<String, Map<String, Integer>> split : counts.entrySet()) {
        sameClasses(classes, split.getKey(), split.getValue().keySet());
        int n = split.getValue().values().stream().mapToInt(Integer::intValue).sum();
        if (split.getKey().equals("train")) {
          train = n;
        } else {
          test = n;
        }
      }
    } else {
      train = counts.get("").values().stream().mapToInt(Integer::intValue).sum();
    }
    List<int[]> shapeList = new ArrayList<>();
    for (String s : shapes) {
      shapeList.add(java.util.Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray());
    }
    return new Summary(splitLayout, train, test, List.copyOf(classes), shapeList);
  }

  private void sameClasses(Set<String> train, String split, Set<String> found) {
    Set<String> missing = new TreeSet<>(train);
    missing.removeAll(found);
    Set<String> extra = new TreeSet<>(found);
    extra.removeAll(train);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw ApiException.badRequest("file", zipName + ": " + split + "/ has other classes than train/"
          + (missing.isEmpty() ? "" : ": missing " + missing) + (extra.isEmpty() ? "" : ": not in train/ " + extra)
          + "; labels are the sorted class names, so every split needs the same class folders");
    }
  }

  /** Reads the size from the header first, so a decompression bomb is refused before it is decoded. */
  private int[] decode(String path, Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw refuse(path, "is not a PNG or JPEG image (no decoder recognises its bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw refuse(path, "is " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels, over the limit of " + MAX_PIXELS);
        }
        List<String> truncated = new ArrayList<>();
        // the JPEG decoder reads a cut-off file to the end with grey filling and only warns; PIL refuses it
        reader.addIIOReadWarningListener((source, warning) -> {
          if (warning.startsWith("Truncated") || warning.startsWith("Premature end")) {
            truncated.add(warning);
          }
        });
        var img = reader.read(0);
        if (!truncated.isEmpty()) {
          throw refuse(path, "is cut off (" + truncated.get(0) + ")");
        }
        int channels = img.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
        return new int[] {channels, img.getHeight(), img.getWidth()};
      } catch (IOException | RuntimeException e) {
        if (e instanceof ApiException api) {
          throw api;
        }
        // the JDK decoders signal some corrupt streams with runtime exceptions
        throw refuse(path, "does not decode as " + reader.getFormatName().toUpperCase(Locale.ROOT) + " (" + e.getMessage() + ")");
      } finally {
        reader.dispose();
      }
    }
  }

  private String layout(boolean split, String path) {
    if (splitLayout == null) {
      splitLayout = split;
    } else if (splitLayout != split) {
      throw refuse(path, "mixes the two layouts: either train/ and val/ (or test/) folders of class folders, or class folders at "
          + "the top");
    }
    return split ? path.substring(0, path.indexOf('/')) : "";
  }

  private void classCount(String split, String cls) {
    counts.computeIfAbsent(split, s -> new TreeMap<>()).putIfAbsent(cls, 0);
  }

  private ApiException refuse(String path, String why) {
    return ApiException.badRequest("file", zipName + ": entry '" + path + "' " + why);
  }
}
