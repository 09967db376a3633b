package dev.topiary.gateway.upload;

import dev.topiary.gateway.api.ApiException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an uploaded zip into a folder, refusing what could escape it or exhaust the disk: every
 * entry path must be segments as store keys allow (no absolute path, no {@code ..}, no
 * backslash), and the count and uncompressed bytes are bounded, counted as they are written (a
 * zip's declared sizes are not trusted). Entries an archiver adds beside the user's files (names
 * starting with a dot, such as {@code .DS_Store}, and macOS's {@code __MACOSX/} tree) are skipped.
 * A {@link Listener} sees each entry as it is unpacked, to check it before the next one is read.
 * Refusals are 400/413 naming the zip and the entry.
 */
final class ZipExtractor {
  /** Checks each unpacked entry; throws (an {@code ApiException}) to refuse the upload. */
  interface Listener {
    void folder(String path);

    void file(String path, Path file) throws IOException;

    Listener NONE = new Listener() {
      @Override
      public void folder(String path) {}

      @Override
      public void file(String path, Path file) {}
    };
  }

  private final long maxBytes;
  private final int maxEntries;

  ZipExtractor(long maxBytes, int maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  void extract(Path zip, String zipName, Path dir, Listener listener) throws IOException {
    long written = 0;
    int entries = 0;
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry e;
      while ((e = nextEntry(in, zipName)) != null) {
        if (++entries > maxEntries) {
          throw ApiException.tooLarge("file", entries, maxEntries);
        }
        String name = e.getName();
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (isArchiverExtra(path)) {
          continue;
        }
        for (String seg : path.split("/", -1)) {
          if (!SafeNames.isSegment(seg)) {
            throw ApiException.badRequest("file", zipName + ": entry '" + name + "' is not a relative path of plain names "
                + "(letters, digits, '.', '_' and '-'; no '..', no absolute path)");
          }
        }
        Path target = dir.resolve(path).normalize();
        if (!target.startsWith(dir)) {
          throw ApiException.badRequest("file", zipName + ": entry '" + name + "' leaves the dataset folder");
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          listener.folder(path);
          continue;
        }
        Files.createDirectories(target.getParent());
        written = copy(in, target, written, zipName);
        listener.file(path, target);
      }
    } catch (ZipException ex) {
      throw invalid(zipName, ex.getMessage());
    }
    if (entries == 0) {
      throw ApiException.badRequest("file", zipName + ": not a zip archive, or an empty one");
    }
  }

  /** The next entry; a zip that ends inside a header, or names an entry in bytes that are not UTF-8, is refused. */
  private static ZipEntry nextEntry(ZipInputStream in, String zipName) throws IOException {
    try {
      return in.getNextEntry();
    } catch (EOFException ex) {
      throw invalid(zipName, "truncated: it ends inside an entry");
    } catch (IllegalArgumentException ex) {
      throw invalid(zipName, "an entry's name is not UTF-8"); // ZipInputStream's "malformed input"
    }
  }

  private static ApiException invalid(String zipName, String why) {
    return ApiException.badRequest("file", zipName + ": not a valid zip archive (" + why + ")");
  }

  private static boolean isArchiverExtra(String path) {
    for (String seg : path.split("/")) {
      if (seg.startsWith(".") && !seg.equals(".") && !seg.equals("..") || seg.equals("__MACOSX")) {
        return true;
      }
    }
    return false;
  }

  private long copy(InputStream in, Path target, long written, String zipName) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = read(in, buf, zipName)) > 0) {
        written += n;
        if (written > maxBytes) {
          throw new ApiException(413, java.util.List.of(new dev.topiary.gateway.api.ErrorBody.FieldError("file",
              zipName + ": unpacks to more than the limit of " + maxBytes + " bytes")));
        }
        out.write(buf, 0, n);
      }
    }
    return written;
  }

  private static int read(InputStream in, byte[] buf, String zipName) throws IOException {
    try {
      return in.read(buf);
    } catch (EOFException ex) {
      throw invalid(zipName, "truncated: it ends inside an entry's data");
    }
  }
}
