package dev.topiary.gateway.upload;

import java.util.regex.Pattern;

/** Which user-given names may become part of a store key: one segment as {@code Keys} allows. */
final class SafeNames {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private SafeNames() {}

  static boolean isSegment(String name) {
    return name != null && name.length() <= 255 && SEGMENT.matcher(name).matches() && !name.contains("..");
  }
}
