package dev.topiary.gateway.upload;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Server-chosen upload ids: a kind letter, {@code -}, then 16 random hex digits (a key segment). */
final class UploadIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UploadIds() {}

  static String next(char kind) {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return kind + "-" + HexFormat.of().formatHex(b);
  }
}
