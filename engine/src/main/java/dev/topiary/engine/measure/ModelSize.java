package dev.topiary.engine.measure;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Size of a model on disk: the raw bytes of its files and the size of a zip of them at the best
 * deflate level. Zipped size is what shows the gain of unstructured sparsity, whose zeros a dense
 * file still stores.
 */
public record ModelSize(long rawBytes, long zippedBytes) {

  /** Measures the given files (e.g. graph.json and weights.safetensors). */
  public static ModelSize of(List<Path> files) throws IOException {
    long raw = 0;
    CountingSink sink = new CountingSink();
    try (ZipOutputStream zip = new ZipOutputStream(sink)) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      byte[] buf = new byte[1 << 16];
      for (Path f : files) {
        raw += Files.size(f);
        zip.putNextEntry(new ZipEntry(f.getFileName().toString()));
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          while ((n = in.read(buf)) > 0) {
            zip.write(buf, 0, n);
          }
        }
        zip.closeEntry();
      }
    }
    return new ModelSize(raw, sink.count);
  }

  /** Zipped over raw size. */
  public double compressionRatio() {
    return rawBytes == 0 ? 1 : (double) zippedBytes / rawBytes;
  }

  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
