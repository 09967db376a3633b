package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image-folder dataset: {@code root/<class>/<image>.png|.jpg|.jpeg}. Classes are the
 * sub-directories sorted by name, indexed from 0; images within a class are read in name order.
 * Hidden entries (names starting with a dot) and files with other extensions are ignored.
 *
 * <p>Images are decoded with {@code javax.imageio} and stored as RGB (3 channels) or, on request,
 * grayscale (1 channel, ITU-R 601 luma). Without a target size every image must have the size of
 * the first one; with a target size, images of another size are resized bilinearly. Each reader
 * is immutable; {@link #read()} may be called repeatedly.
 */
public final class ImageFolderReader {
  private final Path root;
  private final boolean grayscale;
  private final int height;
  private final int width;

  private ImageFolderReader(Builder builder) {
    this.root = builder.root;
    this.grayscale = builder.grayscale;
    this.height = builder.height;
    this.width = builder.width;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads {@code root} as RGB images that must all share one size. */
  public static ImageDataset read(Path root) {
    return builder().setRoot(root).build().read();
  }

  /** Decodes every image; throws {@link InvalidDatasetException} naming the offending path. */
  public ImageDataset read() {
    if (!Files.isDirectory(root)) {
      throw new InvalidDatasetException(root + ": image folder not found");
    }
    List<Path> classDirs = list(root, Files::isDirectory);
    if (classDirs.isEmpty()) {
      throw new InvalidDatasetException(root + ": no class folders found");
    }
    List<Path> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> classNames = new ArrayList<>();
    for (Path dir : classDirs) {
      List<Path> files = list(dir, ImageFolderReader::isImageFile);
      if (files.isEmpty()) {
        throw new InvalidDatasetException(dir + ": class folder holds no .png, .jpg or .jpeg images");
      }
      for (Path f : files) {
        images.add(f);
        labels.add(classNames.size());
      }
      classNames.add(dir.getFileName().toString());
    }
    return decodeAll(images, labels, classNames);
  }

  private ImageDataset decodeAll(List<Path> images, List<Integer> labels, List<String> classNames) {
    int channels = grayscale ? 1 : 3;
    byte[] first = null;
    ImageShape shape;
    if (height > 0) {
      shape = new ImageShape(channels, height, width);
    } else {
      BufferedImage img = decode(images.get(0));
      shape = new ImageShape(channels, img.getHeight(), img.getWidth());
      first = toBytes(img, channels);
    }
    long total = (long) images.size() * shape.size();
    if (total > Integer.MAX_VALUE - 8) {
      throw new InvalidDatasetException(
          root + ": " + images.size() + " images of " + shape + " exceed the 2 GiB a dataset may hold");
    }
    byte[] pixels = new byte[(int) total];
    for (int i = 0; i < images.size(); i++) {
      byte[] sample = i == 0 && first != null ? first : load(images.get(i), shape);
      System.arraycopy(sample, 0, pixels, i * shape.size(), shape.size());
    }
    return ImageDataset.builder()
        .setPixels(pixels)
        .setLabels(labels.stream().mapToInt(Integer::intValue).toArray())
        .setShape(shape)
        .setNumClasses(classNames.size())
        .optClassNames(classNames)
        .build();
  }

  /** Decodes one image into CHW bytes of {@code shape}, resizing when a target size is set. */
  private byte[] load(Path file, ImageShape shape) {
    BufferedImage img = decode(file);
    byte[] bytes = toBytes(img, shape.channels());
    if (img.getHeight() == shape.height() && img.getWidth() == shape.width()) {
      return bytes;
    }
    if (height <= 0) {
      throw new InvalidDatasetException(
          file + ": image is " + img.getWidth() + "x" + img.getHeight() + " (WxH) but earlier images are "
              + shape.width() + "x" + shape.height() + "; set a size to resize them");
    }
    int c = shape.channels();
    float[] in = new float[bytes.length];
    for (int k = 0; k < in.length; k++) {
      in[k] = bytes[k] & 0xFF;
    }
    float[] out = new float[shape.size()];
    Resize.resample(in, c, img.getHeight(), img.getWidth(), out, shape.height(), shape.width(),
        Resize.Interpolation.BILINEAR);
    byte[] resized = new byte[out.length];
    for (int k = 0; k < out.length; k++) {
      resized[k] = (byte) Math.max(0, Math.min(255, Math.round(out[k])));
    }
    return resized;
  }

  private static BufferedImage decode(Path file) {
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      // the JDK decoders signal some corrupt streams with runtime exceptions; name the file either way
      throw new InvalidDatasetException(file + ": unreadable image (" + e + ")", e);
    }
    if (img == null) {
      throw new InvalidDatasetException(file + ": unreadable image (no PNG or JPEG decoder accepts it)");
    }
    return img;
  }

  /** CHW bytes with {@code channels} channels (1: luma, 3: RGB); alpha is dropped. */
  static byte[] toBytes(BufferedImage img, int channels) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    byte[] out = new byte[channels * plane];
    ColorModel cm = img.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
      // read gray samples directly: getRGB would pass them through a linear-to-sRGB conversion
      Raster raster = img.getRaster();
      int max = (1 << cm.getComponentSize(0)) - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = Math.round(raster.getSample(x, y, 0) * 255f / max);
          for (int c = 0; c < channels; c++) {
            out[c * plane + y * w + x] = (byte) v;
          }
        }
      }
      return out;
    }
    int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
    for (int p = 0; p < plane; p++) {
      int r = (argb[p] >> 16) & 0xFF;
      int g = (argb[p] >> 8) & 0xFF;
      int b = argb[p] & 0xFF;
      ImageDecoder.store(out, p, plane, channels, r, g, b);
    }
    return out;
  }

  static boolean isImageFile(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg"));
  }

  static List<Path> list(Path dir, Predicate<Path> keep) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(keep)
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new InvalidDatasetException(dir + ": cannot list folder (" + e + ")", e);
    }
  }

  /** Builds an {@link ImageFolderReader}; the root is required. */
  public static final class Builder {
    private Path root;
    private boolean grayscale;
    private int height;
    private int width;
    private boolean sized;

    private Builder() {}

    public Builder setRoot(Path root) {
      this.root = root;
      return this;
    }

    /** Stores 1-channel luma instead of 3-channel RGB. */
    public Builder optGrayscale(boolean grayscale) {
      this.grayscale = grayscale;
      return this;
    }

    /** Resizes (bilinear) every image whose size differs to {@code height × width}. */
    public Builder optSize(int height, int width) {
      this.height = height;
      this.width = width;
      this.sized = true;
      return this;
    }

    public ImageFolderReader build() {
      validate();
      return new ImageFolderReader(this);
    }

    private void validate() {
      if (root == null) {
        throw new IllegalArgumentException("root: required");
      }
      if (sized && (height <= 0 || width <= 0)) {
        throw new IllegalArgumentException(
            "size: height and width must both be positive, got " + height + "x" + width);
      }
    }
  }
}
