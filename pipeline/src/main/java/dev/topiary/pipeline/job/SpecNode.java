package dev.topiary.pipeline.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * A cursor on one JSON object of a spec, with its path: typed reads that report a wrong type as a
 * problem at the field's path and return null, so that reading goes on and every problem is found.
 * An absent field and an explicit null both read as null.
 */
final class SpecNode {
  private final JsonNode node;
  private final String path;
  private final Problems problems;

  SpecNode(JsonNode node, String path, Problems problems) {
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  Problems problems() {
    return problems;
  }

  boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  List<String> fieldNames() {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** Reports every field not in {@code allowed}, suggesting the nearest valid name. */
  void only(List<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        String near = Names.nearest(f, allowed);
        problems.add(path(f), "unknown field" + (near == null ? "" : "; did you mean '" + near + "'?") + " valid fields: " + String.join(", ", allowed));
      }
    }
  }

  SpecNode object(String field) {
    return read(field, "an object", JsonNode::isObject, v -> new SpecNode(v, path(field), problems));
  }

  String string(String field) {
    return read(field, "a string", JsonNode::isTextual, JsonNode::asText);
  }

  Integer integer(String field) {
    return read(field, "an integer", v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::asInt);
  }

  Long longInteger(String field) {
    return read(field, "an integer", v -> v.isIntegralNumber() && v.canConvertToLong(), JsonNode::asLong);
  }

  Double number(String field) {
    return read(field, "a number", JsonNode::isNumber, JsonNode::asDouble);
  }

  Boolean bool(String field) {
    return read(field, "true or false", JsonNode::isBoolean, JsonNode::asBoolean);
  }

  List<Integer> integers(String field) {
    return list(field, "an integer", v -> v.isIntegralNumber() && v.canConvertToInt(), JsonNode::asInt);
  }

  List<Double> numbers(String field) {
    return list(field, "a number", JsonNode::isNumber, JsonNode::asDouble);
  }

  List<String> strings(String field) {
    return list(field, "a string", JsonNode::isTextual, JsonNode::asText);
  }

  /** A list of objects; an element that is not an object is reported and left out. */
  List<SpecNode> objects(String field) {
    List<SpecNode> out = new ArrayList<>();
    JsonNode arr = node.get(field);
    if (arr == null || arr.isNull()) {
      return null;
    }
    if (!arr.isArray()) {
      problems.add(path(field), "expected a list of objects, got " + describe(arr));
      return null;
    }
    for (int i = 0; i < arr.size(); i++) {
      String p = path(field) + "[" + i + "]";
      if (arr.get(i).isObject()) {
        out.add(new SpecNode(arr.get(i), p, problems));
      } else {
        problems.add(p, "expected an object, got " + describe(arr.get(i)));
      }
    }
    return out;
  }

  /** The raw value, for fields that accept several shapes. */
  JsonNode raw(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private <T> T read(String field, String expected, java.util.function.Predicate<JsonNode> ok, Function<JsonNode, T> value) {
    JsonNode v = raw(field);
    if (v == null) {
      return null;
    }
    if (!ok.test(v)) {
      problems.add(path(field), "expected " + expected + ", got " + describe(v));
      return null;
    }
    return value.apply(v);
  }

  private <T> List<T> list(String field, String expected, java.util.function.Predicate<JsonNode> ok, Function<JsonNode, T> value) {
    JsonNode arr = raw(field);
    if (arr == null) {
      return null;
    }
    if (!arr.isArray()) {
      problems.add(path(field), "expected a list of " + expected.replaceFirst("^an? ", "") + "s, got " + describe(arr));
      return null;
    }
    List<T> out = new ArrayList<>();
    boolean bad = false;
    for (int i = 0; i < arr.size(); i++) {
      if (ok.test(arr.get(i))) {
        out.add(value.apply(arr.get(i)));
      } else {
        problems.add(path(field) + "[" + i + "]", "expected " + expected + ", got " + describe(arr.get(i)));
        bad = true;
      }
    }
    return bad ? null : out;
  }

  static String describe(JsonNode v) {
    if (v.isTextual()) {
      return "the string \"" + v.asText() + "\"";
    }
    if (v.isNumber() || v.isBoolean()) {
      return (v.isNumber() ? "the number " : "") + v.asText();
    }
    if (v.isArray()) {
      return "a list";
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.getNodeType().toString().toLowerCase();
  }
}
