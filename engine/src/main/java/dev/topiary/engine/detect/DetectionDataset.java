package dev.topiary.engine.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One split of a detection dataset, opened and fully validated by {@link YoloDataset#open} or
 * {@link CocoDataset#open}: the class names, and per picture its file, size (from the header) and
 * objects (pixel corner boxes, clipped to the picture). Opening checks every label and every
 * picture's header, so a dataset that exists is consistent; only {@link #load} reads pixels.
 *
 * <p>Immutable and thread-safe: loader workers call {@link #load} concurrently.
 */
public final class DetectionDataset {
  private final List<String> classNames;
  private final List<Path> files;
  private final List<String> ids;
  private final int[] widths;
  private final int[] heights;
  private final List<List<GroundTruth>> objects;

  DetectionDataset(List<String> classNames, List<Path> files, List<String> ids, int[] widths, int[] heights,
      List<List<GroundTruth>> objects) {
    int n = files.size();
    if (ids.size() != n || widths.length != n || heights.length != n || objects.size() != n) {
      throw new IllegalArgumentException("dataset: per-picture lists differ in length");
    }
    this.classNames = List.copyOf(classNames);
    this.files = List.copyOf(files);
    this.ids = List.copyOf(ids);
    this.widths = widths.clone();
    this.heights = heights.clone();
    List<List<GroundTruth>> copy = new ArrayList<>(n);
    for (List<GroundTruth> o : objects) {
      copy.add(List.copyOf(o));
    }
    this.objects = List.copyOf(copy);
  }

  public List<String> classNames() {
    return classNames;
  }

  public int size() {
    return files.size();
  }

  /** Picture {@code i}'s name: its path relative to the split's picture folder ("000012.png"). */
  public String id(int i) {
    return ids.get(i);
  }

  public Path file(int i) {
    return files.get(i);
  }

  public int width(int i) {
    return widths[i];
  }

  public int height(int i) {
    return heights[i];
  }

  /** Picture {@code i}'s objects in its pixels, without decoding it. */
  public List<GroundTruth> objects(int i) {
    return objects.get(i);
  }

  /**
   * Decodes picture {@code i}: 1 channel if it is grey, else 3 (RGB), with its objects. A file
   * that changed since open and no longer decodes is an {@code InvalidDatasetException} naming it.
   */
  public DetectionImage load(int i) {
    return ImageFiles.decode(files.get(i), objects.get(i));
  }

  /** The first {@code n} pictures (all of them when {@code n >= size()}). */
  public DetectionDataset head(int n) {
    int m = Math.min(n, size());
    return new DetectionDataset(classNames, files.subList(0, m), ids.subList(0, m),
        java.util.Arrays.copyOf(widths, m), java.util.Arrays.copyOf(heights, m), objects.subList(0, m));
  }

  @Override
  public String toString() {
    return "DetectionDataset[" + size() + " pictures, " + classNames.size() + " classes]";
  }
}
