package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG files to CHW bytes with 1 (ITU-R 601 luma) or 3 (RGB) channels, the pixels
 * {@link ImageFolderReader} produces, but faster: the file is read whole, the format is known from
 * its first bytes (so ImageIO's per-call decoder look-up and disk cache are skipped), one JDK
 * {@link ImageReader} per format is reused, and the common 8-bit layouts (BGR, ABGR, gray) are read
 * straight from the raster's bytes instead of through {@code getRGB}'s per-pixel colour model.
 *
 * <p>Not thread-safe (it owns its readers): each loader worker holds one.
 */
final class ImageDecoder implements AutoCloseable {
  private ImageReader png;
  private ImageReader jpeg;

  ImageDecoder() {
    ImageIO.setUseCache(false);
  }

  /** Decodes {@code file}; a missing, truncated or corrupt file is an error naming it. */
  PixelImage decode(Path file, int channels) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot read image (" + e + ")", e);
    }
    ImageReader reader = readerFor(bytes, file);
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      img = reader.read(0);
    } catch (IOException | RuntimeException e) {
      // the JDK decoders signal some corrupt streams with runtime exceptions; name the file either way
      throw new InvalidDatasetException(file + ": unreadable image (" + e + ")", e);
    } finally {
      reader.setInput(null);
    }
    return toPixels(img, channels);
  }

  private ImageReader readerFor(byte[] b, Path file) {
    if (b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      if (png == null) {
        png = reader("png");
      }
      return png;
    }
    if (b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8) {
      if (jpeg == null) {
        jpeg = reader("jpeg");
      }
      return jpeg;
    }
    throw new InvalidDatasetException(file + ": unreadable image (neither a PNG nor a JPEG signature)");
  }

  private static ImageReader reader(String format) {
    Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format);
    if (!it.hasNext()) {
      throw new IllegalStateException("no ImageIO reader for " + format);
    }
    return it.next();
  }

  /** CHW bytes of {@code img} with {@code channels} channels; alpha is dropped. */
  static PixelImage toPixels(BufferedImage img, int channels) {
    int h = img.getHeight();
    int w = img.getWidth();
    int plane = h * w;
    byte[] out = new byte[channels * plane];
    int type = img.getType();
    if (type == BufferedImage.TYPE_3BYTE_BGR || type == BufferedImage.TYPE_4BYTE_ABGR) {
      int step = type == BufferedImage.TYPE_3BYTE_BGR ? 3 : 4;
      int off = step - 3;
      byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int p = 0, s = off; p < plane; p++, s += step) {
        int b = src[s] & 0xFF;
        int g = src[s + 1] & 0xFF;
        int r = src[s + 2] & 0xFF;
        store(out, p, plane, channels, r, g, b);
      }
    } else if (type == BufferedImage.TYPE_BYTE_GRAY
        && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int c = 0; c < channels; c++) {
        System.arraycopy(src, 0, out, c * plane, plane);
      }
    } else {
      return new PixelImage(ImageFolderReader.toBytes(img, channels), channels, h, w);
    }
    return new PixelImage(out, channels, h, w);
  }

  /** Writes one RGB pixel at plane offset {@code p}: as luma (ITU-R 601) for 1 channel, as R, G, B for 3. */
  static void store(byte[] out, int p, int plane, int channels, int r, int g, int b) {
    if (channels == 1) {
      out[p] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
    } else {
      out[p] = (byte) r;
      out[plane + p] = (byte) g;
      out[2 * plane + p] = (byte) b;
    }
  }

  @Override
  public void close() {
    if (png != null) {
      png.dispose();
    }
    if (jpeg != null) {
      jpeg.dispose();
    }
  }
}
