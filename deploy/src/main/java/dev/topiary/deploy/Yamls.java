package dev.topiary.deploy;

import java.util.LinkedHashMap;
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

  /** A map, empty when the node is not a map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** {@code target} with a JSON merge patch (RFC 7386) applied; neither argument is changed. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merged(Map<String, Object> target, Map<String, Object> patch) {
    Map<String, Object> out = new LinkedHashMap<>(target);
    patch.forEach((key, value) -> {
      if (value == null) {
        out.remove(key);
      } else if (value instanceof Map<?, ?> m) {
        Object current = out.get(key);
        out.put(key, merged(current instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of(), (Map<String, Object>) m));
      } else {
        out.put(key, value);
      }
    });
    return out;
  }
}
