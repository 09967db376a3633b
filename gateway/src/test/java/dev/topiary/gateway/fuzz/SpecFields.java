package dev.topiary.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of the fuzz's valid spec (and a few it leaves at their defaults), each with its kind,
 * and per kind the values that must be refused: the systematic part of the spec fuzz.
 */
final class SpecFields {
  /** A placeholder for a value only YAML can spell ({@code .nan}, {@code .inf}), replaced in the YAML text. */
  static final String YAML_ONLY = "__fuzz_yaml_only__";

  /** A value to put at a field: what it is, the value, and the YAML spelling that replaces {@link #YAML_ONLY} (null for both formats). */
  record Bad(String label, JsonNode value, String yamlOnly) {}

  /** What a field holds, which decides the values that must be refused. */
  enum Kind { NAME, ENUM, ENUM_LIST, VERSION, COUNT, POSITIVE, LONG, UNIT, RATE, BOOL, INT_LIST, OBJECT }

  record Field(String path, Kind kind, boolean required) {}

  static final List<Field> FIELDS = List.of(
      new Field("name", Kind.NAME, true),
      new Field("version", Kind.VERSION, false),
      new Field("seed", Kind.LONG, false),
      new Field("task", Kind.ENUM, false),
      new Field("model", Kind.OBJECT, true),
      new Field("model.zoo", Kind.ENUM, true),
      new Field("model.numClasses", Kind.POSITIVE, false),
      new Field("model.inputShape", Kind.INT_LIST, false),
      new Field("baseline", Kind.OBJECT, true),
      new Field("baseline.epochs", Kind.COUNT, false),
      new Field("baseline.optimizer.lr", Kind.RATE, false),
      new Field("baseline.optimizer.nesterov", Kind.BOOL, false),
      new Field("baseline.lrSchedule.type", Kind.ENUM, false),
      new Field("dataset", Kind.OBJECT, true),
      new Field("dataset.kind", Kind.ENUM, true),
      new Field("dataset.trainLimit", Kind.COUNT, false),
      new Field("dataset.testLimit", Kind.COUNT, false),
      new Field("dataset.batchSize", Kind.POSITIVE, false),
      new Field("dataset.fit", Kind.ENUM, false),
      new Field("dataset.augment", Kind.BOOL, false),
      new Field("prune", Kind.OBJECT, true),
      new Field("prune.criterion", Kind.ENUM, false),
      new Field("prune.granularity", Kind.ENUM, false),
      new Field("prune.rankBatches", Kind.POSITIVE, false),
      new Field("prune.select", Kind.OBJECT, true),
      new Field("prune.select.globalRatio", Kind.UNIT, true),
      new Field("schedule", Kind.OBJECT, true),
      new Field("schedule.mode", Kind.ENUM, true),
      new Field("schedule.finetune", Kind.OBJECT, true),
      new Field("schedule.finetune.epochs", Kind.COUNT, false),
      new Field("eval", Kind.OBJECT, false),
      new Field("eval.batchSizes", Kind.INT_LIST, false),
      new Field("eval.devices", Kind.ENUM_LIST, false));

  /** Objects whose empty form lacks a required field. */
  private static final List<String> EMPTY_INVALID = List.of("model", "dataset", "schedule", "prune.select", "schedule.finetune");

  private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SpecFields() {}

  /** Every value the field's kind must refuse. */
  static List<Bad> values(Field f) {
    List<Bad> v = new ArrayList<>();
    String p = f.path();
    switch (f.kind()) {
      case NAME -> {
        v.add(new Bad("wrong type (number)", F.numberNode(42), null));
        v.add(new Bad("empty string", F.textNode(""), null));
        v.add(new Bad("upper case", F.textNode("FUZZ-JOB"), null));
        v.add(new Bad("unicode look-alike", F.textNode("fuzz\u2010job"), null));
        v.add(new Bad("a path", F.textNode("../../etc/passwd"), null));
        v.add(new Bad("a NUL character", F.textNode("fuzz\u0000job"), null));
        v.add(new Bad("200 characters", F.textNode("a".repeat(200)), null));
        v.add(new Bad("a list", list(F.textNode("a")), null));
      }
      case ENUM -> {
        v.add(new Bad("wrong type (number)", F.numberNode(42), null));
        v.add(new Bad("empty string", F.textNode(""), null));
        v.add(new Bad("unknown value", F.textNode("no-such-" + p.replace('.', '-').toLowerCase()), null));
        v.add(new Bad("full-width unicode", F.textNode("\uff4c\uff45\uff4e\uff45\uff54\uff15"), null));
        v.add(new Bad("10000 characters", F.textNode("x".repeat(10_000)), null));
        v.add(new Bad("a list", list(F.textNode("a")), null));
      }
      case ENUM_LIST -> {
        v.add(new Bad("a string, not a list", F.textNode("cpu"), null));
        v.add(new Bad("an unknown element", list(F.textNode("tpu")), null));
        v.add(new Bad("a number element", list(F.numberNode(7)), null));
      }
      case VERSION -> {
        v.add(new Bad("2", F.numberNode(2), null));
        v.add(new Bad("0", F.numberNode(0), null));
        v.add(new Bad("-1", F.numberNode(-1), null));
        v.add(new Bad("2^63", F.numberNode(TWO_63), null));
        v.add(new Bad("a string", F.textNode("1"), null));
        v.add(new Bad("1.5", F.numberNode(1.5), null));
      }
      case COUNT, POSITIVE -> {
        v.add(new Bad("wrong type (string)", F.textNode("many"), null));
        v.add(new Bad("wrong type (bool)", F.booleanNode(true), null));
        v.add(new Bad("fraction", F.numberNode(0.5), null));
        v.add(new Bad("negative", F.numberNode(-1), null));
        v.add(new Bad("2^31", F.numberNode(1L << 31), null));
        v.add(new Bad("2^63", F.numberNode(TWO_63), null));
        v.add(new Bad("1e308", F.numberNode(1e308), null));
        v.add(new Bad("NaN (YAML)", F.textNode(YAML_ONLY), ".nan"));
        v.add(new Bad("infinity (YAML)", F.textNode(YAML_ONLY), ".inf"));
        if (f.kind() == Kind.POSITIVE) {
          v.add(new Bad("zero", F.numberNode(0), null));
        }
      }
      case LONG -> {
        v.add(new Bad("wrong type (string)", F.textNode("lucky"), null));
        v.add(new Bad("fraction", F.numberNode(0.5), null));
        v.add(new Bad("2^63", F.numberNode(TWO_63), null));
        v.add(new Bad("1e308", F.numberNode(1e308), null));
      }
      case UNIT -> {
        v.add(new Bad("wrong type (string)", F.textNode("half"), null));
        v.add(new Bad("wrong type (bool)", F.booleanNode(true), null));
        v.add(new Bad("negative", F.numberNode(-0.5), null));
        v.add(new Bad("zero", F.numberNode(0), null));
        v.add(new Bad("one", F.numberNode(1), null));
        v.add(new Bad("2^63", F.numberNode(TWO_63), null));
        v.add(new Bad("1e308", F.numberNode(1e308), null));
        v.add(new Bad("NaN (YAML)", F.textNode(YAML_ONLY), ".nan"));
        v.add(new Bad("infinity (YAML)", F.textNode(YAML_ONLY), ".inf"));
        v.add(new Bad("minus infinity (YAML)", F.textNode(YAML_ONLY), "-.inf"));
      }
      case RATE -> {
        v.add(new Bad("wrong type (string)", F.textNode("fast"), null));
        v.add(new Bad("negative", F.numberNode(-0.1), null));
        v.add(new Bad("NaN (YAML)", F.textNode(YAML_ONLY), ".nan"));
        v.add(new Bad("infinity (YAML)", F.textNode(YAML_ONLY), ".inf"));
      }
      case BOOL -> {
        v.add(new Bad("wrong type (string)", F.textNode("yes"), null));
        v.add(new Bad("wrong type (number)", F.numberNode(1), null));
      }
      case INT_LIST -> {
        v.add(new Bad("a string, not a list", F.textNode("1, 32"), null));
        v.add(new Bad("a string element", list(F.textNode("a")), null));
        boolean shape = p.equals("model.inputShape");
        v.add(new Bad("a negative element", shape ? list(F.numberNode(-1), F.numberNode(28), F.numberNode(28)) : list(F.numberNode(-1)),
            null));
        v.add(new Bad("a 2^31 element", shape ? list(F.numberNode(1), F.numberNode(1L << 31), F.numberNode(28))
            : list(F.numberNode(1L << 31)), null));
        v.add(new Bad("a 1e308 element", list(F.numberNode(1e308)), null));
        if (shape) {
          v.add(new Bad("two dimensions", list(F.numberNode(1), F.numberNode(28)), null));
          v.add(new Bad("a zero dimension", list(F.numberNode(1), F.numberNode(0), F.numberNode(28)), null));
        } else {
          v.add(new Bad("duplicates", list(F.numberNode(1), F.numberNode(1)), null));
          v.add(new Bad("zero", list(F.numberNode(0)), null));
        }
      }
      case OBJECT -> {
        v.add(new Bad("wrong type (string)", F.textNode("x"), null));
        v.add(new Bad("wrong type (list)", list(F.numberNode(1)), null));
        if (EMPTY_INVALID.contains(p)) {
          v.add(new Bad("empty object", F.objectNode(), null));
        }
      }
    }
    return v;
  }

  private static ArrayNode list(JsonNode... items) {
    ArrayNode a = F.arrayNode();
    for (JsonNode i : items) {
      a.add(i);
    }
    return a;
  }
}
