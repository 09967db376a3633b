package dev.topiary.pipeline.job;

import java.util.List;
import java.util.regex.Pattern;

/** Name checks and "did you mean" suggestions for spec messages. */
final class Names {
  /** A name that may become part of a store key: no '/', no leading dot, no "..". */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private Names() {}

  /** Null when the name is fine, else why not. */
  static String checkName(String name) {
    if (name.contains("/") || name.contains("\\") || name.contains("..")) {
      return "'" + name + "' looks like a path: a name must not contain '/', '\\' or '..'";
    }
    if (!NAME.matcher(name).matches()) {
      return "'" + name + "' is not a valid name: 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
    }
    return null;
  }

  /** Null when a store key is safe, else why not: no leading '/', no empty, '.' or '..' segment. */
  static String checkKey(String key) {
    if (key.startsWith("/")) {
      return "must be relative to the bucket (no leading '/'), got '" + key + "'";
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return "must not contain empty, '.' or '..' segments, got '" + key + "'";
      }
    }
    return null;
  }

  /** The candidate closest to {@code name} within edit distance 2, or null. */
  static String nearest(String name, List<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String c : candidates) {
      int d = distance(name.toLowerCase(), c.toLowerCase());
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
