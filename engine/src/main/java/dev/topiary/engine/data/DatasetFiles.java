package dev.topiary.engine.data;

import dev.topiary.engine.InvalidDatasetException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** File helpers shared by the readers: existence checks, gzip detection and exact reads. */
final class DatasetFiles {
  private static final int BUFFER = 1 << 16;

  private DatasetFiles() {}

  /** Fails with {@link InvalidDatasetException} unless {@code file} is a readable regular file. */
  static void requireFile(Path file) {
    if (!Files.exists(file)) {
      throw new InvalidDatasetException(file + ": file not found");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidDatasetException(file + ": not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw new InvalidDatasetException(file + ": not readable");
    }
  }

  /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
  static boolean isGzip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.read() == 0x1f && in.read() == 0x8b;
    }
  }

  /** Opens {@code file} buffered, decompressing it when it is gzip (by content, not name). */
  static InputStream open(Path file) throws IOException {
    requireFile(file);
    boolean gzip = isGzip(file);
    InputStream raw = Files.newInputStream(file);
    try {
      return gzip
          ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER)
          : new BufferedInputStream(raw, BUFFER);
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  /** Reads exactly {@code len} bytes, failing with a message naming the file when it ends early. */
  static void readFully(InputStream in, byte[] dst, int off, int len, Path file, String what)
      throws IOException {
    int n = in.readNBytes(dst, off, len);
    if (n < len) {
      throw new InvalidDatasetException(
          file + ": truncated while reading " + what + " (" + n + " of " + len + " bytes present)");
    }
  }

  /** Reads a big-endian 32-bit integer. */
  static int readInt(InputStream in, Path file, String what) throws IOException {
    byte[] b = new byte[4];
    readFully(in, b, 0, 4, file, what);
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  /** Translates an I/O failure while reading {@code file} into the engine's named exception. */
  static InvalidDatasetException failure(Path file, IOException e) {
    if (e instanceof EOFException) {
      return new InvalidDatasetException(file + ": truncated (" + e.getMessage() + ")", e);
    }
    if (e instanceof ZipException) {
      return new InvalidDatasetException(file + ": corrupt gzip data (" + e.getMessage() + ")", e);
    }
    return new InvalidDatasetException(file + ": cannot read (" + e + ")", e);
  }
}
