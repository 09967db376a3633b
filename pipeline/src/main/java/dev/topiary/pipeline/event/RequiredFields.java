package dev.topiary.pipeline.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the required fields a JSON object lacks, against a record type: every component not
 * marked {@link Nullable} is required, in nested records and in lists of records too. Jackson
 * would silently read a missing {@code int} as 0; this check names the field instead.
 */
final class RequiredFields {
  private RequiredFields() {}

  /** The paths of the missing fields, in component order; empty when none is missing. */
  static List<String> missing(JsonNode object, Class<?> recordType) {
    List<String> out = new ArrayList<>();
    walk(object, recordType, "", out);
    return out;
  }

  private static void walk(JsonNode object, Class<?> type, String prefix, List<String> out) {
    for (RecordComponent c : type.getRecordComponents()) {
      String path = prefix + c.getName();
      JsonNode v = object.get(c.getName());
      if (v == null || v.isNull()) {
        if (!c.isAnnotationPresent(Nullable.class)) {
          out.add(path);
        }
      } else if (c.getType().isRecord() && v.isObject()) {
        walk(v, c.getType(), path + ".", out);
      } else if (List.class.isAssignableFrom(c.getType()) && v.isArray()) {
        Class<?> element = elementType(c.getGenericType());
        for (int i = 0; element != null && element.isRecord() && i < v.size(); i++) {
          if (v.get(i).isObject()) {
            walk(v.get(i), element, path + "[" + i + "].", out);
          }
        }
      }
    }
  }

  private static Class<?> elementType(Type t) {
    if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    return null;
  }
}
