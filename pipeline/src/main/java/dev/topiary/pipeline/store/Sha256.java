package dev.topiary.pipeline.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The store's SHA-256 helpers: whole files and byte arrays through the engine's {@link
 * dev.topiary.engine.weights.Sha256}, plus what only the store needs: a digest to hash a stream as
 * it is sent, and the verified write every read goes through.
 */
final class Sha256 {
  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  static String of(byte[] data) {
    return dev.topiary.engine.weights.Sha256.hex(data);
  }

  static String of(Path file) throws IOException {
    return dev.topiary.engine.weights.Sha256.hex(file);
  }

  /** Throws {@link ArtifactIntegrityException} unless the bytes are what {@code ref} promises. */
  static void verify(ArtifactRef ref, byte[] data) {
    String actual = of(data);
    if (data.length != ref.size() || !actual.equals(ref.sha256())) {
      throw new ArtifactIntegrityException(ref.key(), ref.sha256(), ref.size(), actual, data.length);
    }
  }

  /**
   * Copies {@code in} to a temporary file beside {@code target}, hashing as it goes, and moves it to
   * {@code target} only if size and SHA-256 match {@code ref}; otherwise deletes it and throws
   * {@link ArtifactIntegrityException}. A reader of {@code target} never sees unverified bytes.
   */
  static void writeVerified(InputStream in, ArtifactRef ref, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      MessageDigest digest = newDigest();
      long size;
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), digest)) {
        size = in.transferTo(out);
      }
      String actual = hex(digest);
      if (size != ref.size() || !actual.equals(ref.sha256())) {
        throw new ArtifactIntegrityException(ref.key(), ref.sha256(), ref.size(), actual, size);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
