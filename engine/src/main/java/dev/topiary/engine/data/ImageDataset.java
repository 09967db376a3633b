package dev.topiary.engine.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory image classification dataset kept compact: the uint8 pixels of every sample live in
 * one {@code byte[]} (sample-major, each sample channels-first {@code C×H×W}) beside an {@code
 * int[]} of labels.
 *
 * <p>Immutable once built. The builder takes ownership of the arrays it is given, without copying
 * them: callers must not change them afterwards. {@link #subset(int[])} and {@link #head(int)}
 * return views that share the pixel and label arrays and copy only the index list, so a slice of a
 * large dataset costs a few bytes per sample. Safe to read from several threads.
 */
public final class ImageDataset {
  private final byte[] pixels;
  private final int[] labels;
  private final int[] rows; // null: sample i is row i of the backing arrays
  private final int size;
  private final ImageShape shape;
  private final int numClasses;
  private final List<String> classNames;

  private ImageDataset(
      byte[] pixels, int[] labels, int[] rows, ImageShape shape, int numClasses, List<String> classNames) {
    this.pixels = pixels;
    this.labels = labels;
    this.rows = rows;
    this.size = rows == null ? labels.length : rows.length;
    this.shape = shape;
    this.numClasses = numClasses;
    this.classNames = classNames;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Number of samples. */
  public int size() {
    return size;
  }

  public ImageShape shape() {
    return shape;
  }

  public int channels() {
    return shape.channels();
  }

  public int height() {
    return shape.height();
  }

  public int width() {
    return shape.width();
  }

  public int numClasses() {
    return numClasses;
  }

  /** Class names indexed by label, or an empty list when the source names none. */
  public List<String> classNames() {
    return classNames;
  }

  /** The label of sample {@code i}, in {@code [0, numClasses)}. */
  public int label(int i) {
    return labels[row(i)];
  }

  /** One pixel of sample {@code i} as an unsigned value in {@code [0, 255]}. */
  public int pixel(int i, int channel, int y, int x) {
    Objects.checkIndex(channel, shape.channels());
    Objects.checkIndex(y, shape.height());
    Objects.checkIndex(x, shape.width());
    int offset = row(i) * shape.size() + (channel * shape.height() + y) * shape.width() + x;
    return pixels[offset] & 0xFF;
  }

  /** Copies the raw uint8 pixels of sample {@code i} (CHW) into {@code dst} at {@code offset}. */
  public void copyPixels(int i, byte[] dst, int offset) {
    System.arraycopy(pixels, row(i) * shape.size(), dst, offset, shape.size());
  }

  /**
   * Writes sample {@code i} as floats scaled to {@code [0, 1]} (pixel / 255, CHW) into {@code dst}
   * at {@code offset}.
   */
  public void toFloat(int i, float[] dst, int offset) {
    int n = shape.size();
    int src = row(i) * n;
    for (int k = 0; k < n; k++) {
      dst[offset + k] = (pixels[src + k] & 0xFF) * (1f / 255f);
    }
  }

  /** Number of samples of each class, indexed by label. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int i = 0; i < size; i++) {
      counts[label(i)]++;
    }
    return counts;
  }

  /**
   * A view of the samples at {@code indices}, in that order (repeats allowed). Shares this
   * dataset's pixels; copies only the index list.
   */
  public ImageDataset subset(int[] indices) {
    int[] mapped = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      if (indices[k] < 0 || indices[k] >= size) {
        throw new IllegalArgumentException(
            "indices[" + k + "]: " + indices[k] + " is outside [0, " + size + ")");
      }
      mapped[k] = row(indices[k]);
    }
    return new ImageDataset(pixels, labels, mapped, shape, numClasses, classNames);
  }

  /** A view of the first {@code n} samples (all of them when {@code n >= size()}). */
  public ImageDataset head(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: must be >= 0, got " + n);
    }
    int[] indices = new int[Math.min(n, size)];
    Arrays.setAll(indices, k -> k);
    return subset(indices);
  }

  private int row(int i) {
    Objects.checkIndex(i, size);
    return rows == null ? i : rows[i];
  }

  @Override
  public String toString() {
    return "ImageDataset[" + size + " x " + shape + ", " + numClasses + " classes]";
  }

  /** Builds an {@link ImageDataset}; pixels, labels, shape and number of classes are required. */
  public static final class Builder {
    private byte[] pixels;
    private int[] labels;
    private ImageShape shape;
    private int numClasses;
    private List<String> classNames = List.of();

    private Builder() {}

    /** Sample-major uint8 pixels, each sample CHW; taken over without copying. */
    public Builder setPixels(byte[] pixels) {
      this.pixels = pixels;
      return this;
    }

    /** One label per sample; taken over without copying. */
    public Builder setLabels(int[] labels) {
      this.labels = labels;
      return this;
    }

    public Builder setShape(int channels, int height, int width) {
      this.shape = new ImageShape(channels, height, width);
      return this;
    }

    public Builder setShape(ImageShape shape) {
      this.shape = shape;
      return this;
    }

    public Builder setNumClasses(int numClasses) {
      this.numClasses = numClasses;
      return this;
    }

    /** Names indexed by label; when given there must be exactly {@code numClasses} of them. */
    public Builder optClassNames(List<String> classNames) {
      this.classNames = List.copyOf(classNames);
      return this;
    }

    /** Checks every field, including that every label lies in {@code [0, numClasses)}. */
    public ImageDataset build() {
      validate();
      return new ImageDataset(pixels, labels, null, shape, numClasses, classNames);
    }

    private void validate() {
      if (pixels == null) {
        throw new IllegalArgumentException("pixels: required");
      }
      if (labels == null) {
        throw new IllegalArgumentException("labels: required");
      }
      if (shape == null) {
        throw new IllegalArgumentException("shape: required");
      }
      if (numClasses <= 0) {
        throw new IllegalArgumentException("numClasses: must be positive, got " + numClasses);
      }
      if ((long) labels.length * shape.size() != pixels.length) {
        throw new IllegalArgumentException(
            "pixels: expected " + labels.length + " samples of " + shape + " = "
                + (long) labels.length * shape.size() + " bytes, got " + pixels.length);
      }
      if (!classNames.isEmpty() && classNames.size() != numClasses) {
        throw new IllegalArgumentException(
            "classNames: expected " + numClasses + " names, got " + classNames.size());
      }
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= numClasses) {
          throw new IllegalArgumentException(
              "labels[" + i + "]: " + labels[i] + " is outside [0, " + numClasses + ")");
        }
      }
    }
  }
}
