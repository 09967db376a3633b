package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidDatasetException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The picture files a detection dataset may hold: PNG, JPEG and BMP, told by their signature (the
 * first bytes), never by the name. {@link #size} reads only the header, so a dataset can check
 * every picture and know its size at open without decoding it; {@link #decode} reads the pixels.
 * Stateless and thread-safe: every call makes its own JDK {@link ImageReader}.
 */
final class ImageFiles {
  /** YOLOv5's {@code IMG_FORMATS}: a file with one of these suffixes is a picture of the split. */
  static final Set<String> PICTURE_SUFFIXES =
      Set.of("bmp", "dng", "jpeg", "jpg", "mpo", "png", "tif", "tiff", "webp", "pfm");

  static {
    ImageIO.setUseCache(false);
  }

  private ImageFiles() {}

  /** Whether {@code file}'s suffix marks it as a picture (not whether it is readable). */
  static boolean isPictureName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && PICTURE_SUFFIXES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** "png", "jpeg" or "bmp" from the signature, or null for anything else. */
  static String format(byte[] head, int n) {
    if (n >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
      return "png";
    }
    if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
      return "jpeg";
    }
    if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
      return "bmp";
    }
    return null;
  }

  /**
   * Width and height from the header; an unreadable file, an unknown signature or a broken header
   * is an {@link InvalidDatasetException} naming the file.
   */
  static int[] size(Path file) {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot read image (" + e + ")", e);
    }
    String format = format(head, n);
    if (format == null) {
      throw new InvalidDatasetException(file + ": unreadable image format (not a PNG, JPEG or BMP signature)");
    }
    ImageReader reader = reader(format);
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      reader.setInput(in, true, true);
      int[] wh = {reader.getWidth(0), reader.getHeight(0)};
      if (wh[0] < 1 || wh[1] < 1) {
        throw new InvalidDatasetException(file + ": image header gives an empty size " + wh[0] + "x" + wh[1]);
      }
      return wh;
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidDatasetException ide) {
        throw ide;
      }
      throw new InvalidDatasetException(file + ": unreadable " + format + " header (" + e + ")", e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The pixels: 1 channel when the picture is grey, else 3 (RGB, alpha dropped). A missing,
   * truncated or corrupt file is an {@link InvalidDatasetException} naming it.
   */
  static DetectionImage decode(Path file, java.util.List<GroundTruth> objects) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot read image (" + e + ")", e);
    }
    String format = format(bytes, bytes.length);
    if (format == null) {
      throw new InvalidDatasetException(file + ": unreadable image format (not a PNG, JPEG or BMP signature)");
    }
    ImageReader reader = reader(format);
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      img = reader.read(0);
    } catch (IOException | RuntimeException e) {
      // the JDK decoders signal some corrupt streams with runtime exceptions; name the file either way
      throw new InvalidDatasetException(file + ": unreadable " + format + " image (" + e + ")", e);
    } finally {
      reader.dispose();
    }
    return toImage(img, objects);
  }

  static DetectionImage toImage(BufferedImage img, java.util.List<GroundTruth> objects) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    boolean grey = img.getColorModel().getNumColorComponents() == 1;
    byte[] out = new byte[(grey ? 1 : 3) * plane];
    if (img.getType() == BufferedImage.TYPE_BYTE_GRAY) {
      System.arraycopy(((DataBufferByte) img.getRaster().getDataBuffer()).getData(), 0, out, 0, plane);
    } else if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int p = 0; p < plane; p++) {
        out[p] = src[3 * p + 2];
        out[plane + p] = src[3 * p + 1];
        out[2 * plane + p] = src[3 * p];
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        img.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int p = y * w + x;
          int rgb = row[x];
          if (grey) {
            out[p] = (byte) (rgb & 0xFF);
          } else {
            out[p] = (byte) (rgb >> 16);
            out[plane + p] = (byte) (rgb >> 8);
            out[2 * plane + p] = (byte) rgb;
          }
        }
      }
    }
    return new DetectionImage(out, grey ? 1 : 3, h, w, objects);
  }

  private static ImageReader reader(String format) {
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
    if (!it.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    return it.next();
  }
}
