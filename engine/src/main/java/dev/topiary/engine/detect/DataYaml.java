package dev.topiary.engine.detect;

import dev.topiary.engine.InvalidDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader for the small flat YAML file of YOLOv5's layout (the engine has no YAML library
 * and this file needs none): top-level {@code key: value} lines, {@code #} comments, quoted or plain
 * scalars, and {@code names} as a flow list ({@code [a, 'b c']}, may span lines), a block list
 * ({@code - a}) or an index map ({@code 0: a}, block or flow). Keys other than {@code path},
 * {@code train}, {@code val}, {@code test}, {@code nc} and {@code names} are skipped with their
 * indented block (YOLOv5's {@code download:} script). Anything else is an error naming the file
 * and line.
 */
record DataYaml(String path, String train, String val, String test, Integer nc, List<String> names) {
  static DataYaml read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new InvalidDatasetException(file + ": cannot read dataset yaml (" + e + ")", e);
    }
    Map<String, String> scalars = new HashMap<>();
    List<String> names = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i));
      if (line.isBlank()) {
        continue;
      }
      if (Character.isWhitespace(line.charAt(0))) {
        throw error(file, i, "indented line outside a block");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw error(file, i, "expected 'key: value'");
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      int end = blockEnd(lines, i);
      if (key.equals("names")) {
        if (value.startsWith("[") || value.startsWith("{")) {
          StringBuilder flow = new StringBuilder(value);
          char close = value.charAt(0) == '[' ? ']' : '}';
          for (int j = i + 1; j < end && flow.indexOf(String.valueOf(close)) < 0; j++) {
            flow.append(' ').append(stripComment(lines.get(j)).trim());
          }
          names = flowNames(file, i, flow.toString().trim(), close);
        } else if (value.isEmpty()) {
          names = blockNames(file, lines, i + 1, end);
        } else {
          throw error(file, i, "names: expected a list or an index map, got '" + value + "'");
        }
      } else if (List.of("path", "train", "val", "test", "nc").contains(key)) {
        if (end > i + 1 || value.startsWith("[")) {
          throw error(file, i, key + ": expected one value (lists of folders are not supported)");
        }
        if (scalars.put(key, unquote(file, i, value)) != null) {
          throw error(file, i, key + ": given twice");
        }
      }
      i = end - 1;
    }
    Integer nc = null;
    String ncText = scalars.get("nc");
    if (ncText != null && !ncText.isEmpty()) {
      try {
        nc = Integer.valueOf(ncText);
      } catch (NumberFormatException e) {
        throw new InvalidDatasetException(file + ": nc: expected a whole number, got '" + ncText + "'");
      }
    }
    return new DataYaml(emptyToNull(scalars.get("path")), emptyToNull(scalars.get("train")),
        emptyToNull(scalars.get("val")), emptyToNull(scalars.get("test")), nc, names);
  }

  /** The index after the last indented (or blank) line following line {@code i}. */
  private static int blockEnd(List<String> lines, int i) {
    int end = i + 1;
    for (int j = i + 1; j < lines.size(); j++) {
      String l = stripComment(lines.get(j));
      if (l.isBlank()) {
        continue;
      }
      if (!Character.isWhitespace(l.charAt(0))) {
        break;
      }
      end = j + 1;
    }
    return end;
  }

  private static List<String> blockNames(Path file, List<String> lines, int from, int to) {
    List<String> list = new ArrayList<>();
    Map<Integer, String> map = new HashMap<>();
    for (int j = from; j < to; j++) {
      String l = stripComment(lines.get(j)).trim();
      if (l.isEmpty()) {
        continue;
      }
      if (l.startsWith("- ") || l.equals("-")) {
        list.add(unquote(file, j, l.substring(1).trim()));
      } else {
        int c = l.indexOf(':');
        if (c <= 0) {
          throw error(file, j, "names: expected '- name' or 'index: name'");
        }
        putIndexed(file, j, map, l.substring(0, c).trim(), l.substring(c + 1).trim());
      }
    }
    if (!list.isEmpty() && !map.isEmpty()) {
      throw error(file, from - 1, "names: mixes a list and an index map");
    }
    return map.isEmpty() ? list : indexed(file, from - 1, map);
  }

  private static List<String> flowNames(Path file, int line, String flow, char close) {
    if (flow.charAt(flow.length() - 1) != close) {
      throw error(file, line, "names: unterminated or trailing text after '" + close + "'");
    }
    List<String> items = splitFlow(flow.substring(1, flow.length() - 1));
    List<String> list = new ArrayList<>();
    Map<Integer, String> map = new HashMap<>();
    for (String item : items) {
      if (close == ']') {
        list.add(unquote(file, line, item));
      } else {
        int c = item.indexOf(':');
        if (c <= 0) {
          throw error(file, line, "names: expected 'index: name' in the map, got '" + item + "'");
        }
        putIndexed(file, line, map, item.substring(0, c).trim(), item.substring(c + 1).trim());
      }
    }
    return close == ']' ? list : indexed(file, line, map);
  }

  private static void putIndexed(Path file, int line, Map<Integer, String> map, String key, String value) {
    int k;
    try {
      k = Integer.parseInt(key);
    } catch (NumberFormatException e) {
      throw error(file, line, "names: index '" + key + "' is not a whole number");
    }
    if (map.put(k, unquote(file, line, value)) != null) {
      throw error(file, line, "names: index " + k + " given twice");
    }
  }

  private static List<String> indexed(Path file, int line, Map<Integer, String> map) {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < map.size(); k++) {
      if (!map.containsKey(k)) {
        throw error(file, line, "names: the indices must be 0.." + (map.size() - 1) + ", " + k + " is missing");
      }
      names.add(map.get(k));
    }
    return names;
  }

  /** Splits a flow collection's body at commas outside quotes. */
  private static List<String> splitFlow(String body) {
    List<String> items = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (char ch : body.toCharArray()) {
      if (quote != 0) {
        quote = ch == quote ? 0 : quote;
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == ',') {
        items.add(cur.toString().trim());
        cur.setLength(0);
        continue;
      }
      cur.append(ch);
    }
    if (!cur.toString().isBlank() || !items.isEmpty()) {
      items.add(cur.toString().trim());
    }
    return items;
  }

  private static String unquote(Path file, int line, String v) {
    if (v.length() >= 2 && v.charAt(0) == '\'' && v.charAt(v.length() - 1) == '\'') {
      return v.substring(1, v.length() - 1).replace("''", "'");
    }
    if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if (v.startsWith("'") || v.startsWith("\"") || v.startsWith("|") || v.startsWith(">") || v.startsWith("&")) {
      throw error(file, line, "unsupported or unterminated value '" + v + "'");
    }
    return v;
  }

  /** The line without its comment: a '#' at the start or after a blank, outside quotes. */
  private static String stripComment(String line) {
    char quote = 0;
    for (int k = 0; k < line.length(); k++) {
      char ch = line.charAt(k);
      if (quote != 0) {
        quote = ch == quote ? 0 : quote;
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
      } else if (ch == '#' && (k == 0 || Character.isWhitespace(line.charAt(k - 1)))) {
        return line.substring(0, k).stripTrailing();
      }
    }
    return line.stripTrailing();
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() || s.equals("null") || s.equals("~") ? null : s;
  }

  private static InvalidDatasetException error(Path file, int line, String reason) {
    return new InvalidDatasetException(file + ":" + (line + 1) + ": " + reason);
  }
}
