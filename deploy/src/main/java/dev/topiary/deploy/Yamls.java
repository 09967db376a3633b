package dev.topiary.deploy;

import java.util.List;
import java.util.Map;

/** Navigation in the maps and lists SnakeYAML builds. */
final class Yamls {
  private Yamls() {}

  /** The value at a path of map keys, null where any step is missing. */
  static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return current;
  }

  /** A list of maps, empty when the node is not a list. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object node) {
    return node instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}
