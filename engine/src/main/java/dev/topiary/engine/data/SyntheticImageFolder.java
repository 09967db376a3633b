package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Writes a deterministic image folder for benchmarks and tests: {@code out/train/<class>/} and
 * {@code out/val/<class>/} of colour pictures made from Fashion-MNIST (10 classes). Picture {@code
 * i} of a split is Fashion-MNIST image {@code i mod n} of the matching split, upscaled bilinearly
 * to {@code size × size}, its garment painted in a bright colour over a dark background and
 * sprinkled with noise, all drawn from a random source seeded by {@code (seed, split, i)}; JPEGs
 * are written at quality 0.9. Two runs with the same arguments therefore write the same bytes,
 * whatever the number of threads that encode them.
 */
public final class SyntheticImageFolder {
  /** File formats the generator writes. */
  public enum Format {
    JPEG("jpg"),
    PNG("png");

    private final String suffix;

    Format(String suffix) {
      this.suffix = suffix;
    }
  }

  private SyntheticImageFolder() {}

  /** Writes {@code train} and {@code val} pictures from the Fashion-MNIST files in {@code source}. */
  public static void write(Path source, Path out, int train, int val, int size, Format format, long seed) {
    if (train < 1 || val < 0 || size < 8) {
      throw new IllegalArgumentException("train >= 1, val >= 0, size >= 8 required, got "
          + train + ", " + val + ", " + size);
    }
    writeSplit(IdxReader.readFashionMnist(source, Split.TRAIN), out.resolve("train"), train, size, format, seed);
    if (val > 0) {
      writeSplit(IdxReader.readFashionMnist(source, Split.TEST), out.resolve("val"), val, size, format, seed + 1);
    }
  }

  private static void writeSplit(ImageDataset src, Path dir, int n, int size, Format format, long seed) {
    for (int c = 0; c < src.numClasses(); c++) {
      createDirectories(dir.resolve(className(c)));
    }
    IntStream.range(0, n).parallel().forEach(i -> {
      int k = i % src.size();
      Path file = dir.resolve(className(src.label(k))).resolve(String.format(Locale.ROOT, "%06d.%s", i, format.suffix));
      encode(picture(src, k, size, new SplittableRandom(seed * 1_000_003L + i)), file, format);
    });
  }

  /** "0-t-shirt-top", "9-ankle-boot": the label first, so folders sort in label order. */
  static String className(int label) {
    String name = IdxReader.FASHION_MNIST_CLASSES.get(label).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return label + "-" + name;
  }

  /** Fashion-MNIST image {@code k}, upscaled and coloured, as an RGB picture. */
  static BufferedImage picture(ImageDataset src, int k, int size, SplittableRandom random) {
    float[] gray = new float[src.height() * src.width()];
    src.toFloat(k, gray, 0);
    float[] big = new float[size * size];
    Resize.resample(gray, 1, src.height(), src.width(), big, size, size, Resize.Interpolation.BILINEAR);
    // a bright garment on a dark ground in random hues: the shape, not the colour, tells the class
    int[] fg = {128 + random.nextInt(128), 128 + random.nextInt(128), 128 + random.nextInt(128)};
    int[] bg = {random.nextInt(128), random.nextInt(128), random.nextInt(128)};
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int p = 0; p < big.length; p++) {
      float a = big[p];
      for (int c = 0; c < 3; c++) {
        double v = bg[c] + (fg[c] - bg[c]) * a + 24 * random.nextGaussian();
        bgr[3 * p + 2 - c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    return img;
  }

  private static void encode(BufferedImage img, Path file, Format format) {
    try (OutputStream os = Files.newOutputStream(file); ImageOutputStream ios = ImageIO.createImageOutputStream(os)) {
      Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.name().toLowerCase(Locale.ROOT));
      ImageWriter writer = writers.next();
      try {
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (format == Format.JPEG) {
          param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
          param.setCompressionQuality(0.9f);
        }
        writer.setOutput(ios);
        writer.write(null, new IIOImage(img, null, null), param);
      } finally {
        writer.dispose();
      }
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot write image (" + e + ")", e);
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new InvalidDatasetException(dir + ": cannot create folder (" + e + ")", e);
    }
  }
}
