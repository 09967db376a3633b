package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The file list of an image folder, {@code root/<class>/<image>.png|.jpg|.jpeg}, with the rules of
 * {@link ImageFolderReader} (classes are the sub-folders in name order, hidden entries and other
 * extensions ignored) but without decoding anything: indexing 100,000 files costs a directory
 * walk and about 100 bytes each. Immutable.
 */
public final class ImageFolderIndex {
  /** The held-out fraction of a single-folder dataset when none is given. */
  public static final double DEFAULT_VAL_FRACTION = 0.1;

  private final List<Path> files;
  private final int[] labels;
  private final List<String> classNames;

  private ImageFolderIndex(List<Path> files, int[] labels, List<String> classNames) {
    this.files = List.copyOf(files);
    this.labels = labels;
    this.classNames = List.copyOf(classNames);
  }

  /** Lists {@code root}'s class folders and their images; an empty class folder is an error naming it. */
  public static ImageFolderIndex scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw new InvalidDatasetException(root + ": image folder not found");
    }
    List<Path> classDirs = ImageFolderReader.list(root, Files::isDirectory);
    if (classDirs.isEmpty()) {
      throw new InvalidDatasetException(root + ": no class folders found");
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path dir : classDirs) {
      List<Path> images = ImageFolderReader.list(dir, ImageFolderReader::isImageFile);
      if (images.isEmpty()) {
        throw new InvalidDatasetException(dir + ": class folder holds no .png, .jpg or .jpeg images");
      }
      for (Path f : images) {
        files.add(f);
        labels.add(names.size());
      }
      names.add(dir.getFileName().toString());
    }
    return new ImageFolderIndex(files, labels.stream().mapToInt(Integer::intValue).toArray(), names);
  }

  /**
   * The training and held-out parts of an image-folder dataset at {@code root}: {@code train/} with
   * {@code val/} (or, failing that, {@code test/}) when {@code root/train} exists, which then must
   * not come with a fraction; otherwise {@code root} itself is one folder of class folders, split
   * by {@link #splitByFraction} with {@code valFraction} (0: the default 0.1).
   *
   * @return {@code [train, held-out]}, with the same class names
   */
  public static ImageFolderIndex[] trainAndHeldOut(Path root, double valFraction, long seed) {
    Path train = root.resolve("train");
    if (!Files.isDirectory(train)) {
      double f = valFraction == 0 ? DEFAULT_VAL_FRACTION : valFraction;
      ImageFolderIndex[] parts = scan(root).splitByFraction(f, seed);
      if (parts[1].size() == 0) {
        throw new InvalidDatasetException(root + ": valFraction " + f
            + " holds out no image (every class folder has a single image)");
      }
      return parts;
    }
    if (valFraction != 0) {
      throw new InvalidDatasetException(root + ": valFraction is for one folder of class folders, but "
          + root + " has train/ (put held-out images in val/ or leave valFraction out)");
    }
    Path held = Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root.resolve("test");
    if (!Files.isDirectory(held)) {
      throw new InvalidDatasetException(root + ": has train/ but neither val/ nor test/");
    }
    ImageFolderIndex[] parts = {scan(train), scan(held)};
    if (!parts[0].classNames.equals(parts[1].classNames)) {
      throw new InvalidDatasetException(held + ": classes " + parts[1].classNames
          + " differ from " + train + "'s " + parts[0].classNames);
    }
    return parts;
  }

  public int size() {
    return files.size();
  }

  public Path file(int i) {
    return files.get(i);
  }

  public int label(int i) {
    return labels[i];
  }

  public int numClasses() {
    return classNames.size();
  }

  public List<String> classNames() {
    return classNames;
  }

  /** The first {@code n} files (in index order), or this index when {@code n} is 0 or covers it. */
  public ImageFolderIndex head(int n) {
    if (n <= 0 || n >= size()) {
      return this;
    }
    return subset(java.util.stream.IntStream.range(0, n).toArray());
  }

  /**
   * A deterministic stratified split: in each class, a seeded shuffle of its files puts {@code
   * round(fraction * n)} of them (at least one, and one fewer than all when the class has two or
   * more) into the validation part, the rest into training. Both parts keep index order, so the
   * result depends only on the file list, {@code fraction} and {@code seed}.
   *
   * @return {@code [train, validation]}
   */
  public ImageFolderIndex[] splitByFraction(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("valFraction: must be in (0, 1), got " + fraction);
    }
    boolean[] val = new boolean[size()];
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < numClasses(); c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < size(); i++) {
      byClass.get(labels[i]).add(i);
    }
    for (int c = 0; c < numClasses(); c++) {
      List<Integer> members = byClass.get(c);
      SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
      for (int i = members.size() - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        members.set(i, members.set(j, members.get(i)));
      }
      int n = members.size();
      int k = (int) Math.round(fraction * n);
      k = n < 2 ? 0 : Math.max(1, Math.min(n - 1, k));
      for (int i = 0; i < k; i++) {
        val[members.get(i)] = true;
      }
    }
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      (val[i] ? test : train).add(i);
    }
    return new ImageFolderIndex[] {subset(ints(train)), subset(ints(test))};
  }

  private ImageFolderIndex subset(int[] picked) {
    List<Path> f = new ArrayList<>(picked.length);
    int[] l = new int[picked.length];
    for (int i = 0; i < picked.length; i++) {
      f.add(files.get(picked[i]));
      l[i] = labels[picked[i]];
    }
    return new ImageFolderIndex(f, l, classNames);
  }

  private static int[] ints(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
