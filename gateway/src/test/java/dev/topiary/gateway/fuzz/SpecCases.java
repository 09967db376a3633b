package dev.topiary.gateway.fuzz;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.topiary.gateway.Fixtures;
import dev.topiary.pipeline.job.JobSpecs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Malformed job specs, JSON and YAML: per field of a valid LeNet-5 spec, each value its kind must
 * refuse (wrong type, negative, 1e308, 2^63, empty, null where required, 200 levels of nesting,
 * unicode look-alikes, NaN and infinities in YAML), an unknown field in every object, invalid
 * {@code compressRate} expressions, whole documents that do not parse (billion laughs, duplicate
 * keys, tags, nesting past the parsers' limits), and from the seed, byte flips and truncations of
 * the valid spec and random values for random fields.
 */
final class SpecCases {
  static final String JSON = "spec-json";
  static final String YAML = "spec-yaml";
  private static final String COMPRESS_RATE = "prune.select.compressRate";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON_MAPPER = JsonMapper.builder().build();
  private static final ObjectMapper YAML_MAPPER = YAMLMapper.builder().build();

  /** A mutated tree: what was done, and which fields an error may name. */
  private record Mutation(String name, ObjectNode tree, String yamlOnly, List<String> fields) {}

  private SpecCases() {}

  /** Every systematic case of one format. */
  static List<FuzzCase> systematic(String category) {
    boolean yaml = category.equals(YAML);
    List<FuzzCase> out = new ArrayList<>();
    for (Mutation m : fieldMutations()) {
      if (m.yamlOnly() != null && !yaml) {
        continue;
      }
      List<String> fields = m.fields();
      if (yaml && (m.name().contains("nested 200 deep") || m.yamlOnly() != null)) {
        // past SnakeYAML's nesting limit, or at a NaN or infinity, the YAML parser refuses the document itself
        fields = append(fields, "");
      }
      out.add(spec(category, m.name(), yaml ? yaml(m.tree(), m.yamlOnly()) : json(m.tree()), fields));
    }
    for (String[] rate : SpecDocuments.compressRates(yaml)) {
      ObjectNode t = layerwise();
      t.with("prune").with("select").set("compressRate", yaml && rate[1] != null ? F.textNode(SpecFields.YAML_ONLY) : value(rate[0]));
      out.add(spec(category, "prune.select.compressRate = " + abbreviate(rate[1] != null && yaml ? rate[1] : rate[0]),
          yaml ? yaml(t, rate[1]) : json(t), rate[1] != null ? List.of(COMPRESS_RATE, "") : List.of(COMPRESS_RATE)));
    }
    for (String[] doc : yaml ? SpecDocuments.yaml(yaml(base(), null)) : SpecDocuments.json(json(base()))) {
      List<String> fields = doc.length == 2 ? List.of("") : doc[2].equals(SpecDocuments.ANY) ? List.of() : List.of(doc[2]);
      out.add(spec(category, "document: " + doc[0], doc[1], fields));
    }
    out.add(new FuzzCase(category, "document: invalid UTF-8", request(yaml, new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'}), List.of("")));
    return out;
  }

  /** A random case from the seed: a byte flip or truncation of the valid spec, or a random value at a random field. */
  static FuzzCase random(String category, Random rnd) {
    boolean yaml = category.equals(YAML);
    while (true) {
      String valid = yaml ? yaml(base(), null) : json(base());
      FuzzCase c = switch (rnd.nextInt(3)) {
        case 0 -> {
          byte[] b = valid.getBytes(StandardCharsets.UTF_8);
          int flips = 1 + rnd.nextInt(4);
          StringBuilder where = new StringBuilder();
          for (int i = 0; i < flips; i++) {
            int at = rnd.nextInt(b.length);
            b[at] ^= (byte) (1 << rnd.nextInt(8));
            where.append(i == 0 ? "" : ",").append(at);
          }
          yield new FuzzCase(category, "random: bytes flipped at " + where, request(yaml, b), List.of());
        }
        case 1 -> {
          int cut = rnd.nextInt(valid.length());
          yield spec(category, "random: truncated at character " + cut, valid.substring(0, cut), List.of());
        }
        default -> {
          SpecFields.Field f = SpecFields.FIELDS.get(rnd.nextInt(SpecFields.FIELDS.size()));
          JsonNode v = randomValue(rnd, 0);
          ObjectNode t = base();
          set(t, f.path(), v);
          yield spec(category, "random: " + f.path() + " = " + abbreviate(v.toString()), yaml ? yaml(t, null) : json(t), List.of());
        }
      };
      if (!locallyValid(c, yaml)) {
        return c; // a random change that leaves the spec valid is no malformed input: draw again
      }
    }
  }

  private static List<Mutation> fieldMutations() {
    List<Mutation> out = new ArrayList<>();
    for (SpecFields.Field f : SpecFields.FIELDS) {
      List<SpecFields.Bad> values = new ArrayList<>(SpecFields.values(f));
      values.add(new SpecFields.Bad("nested 200 deep", nested(200), null));
      if (f.required()) {
        values.add(new SpecFields.Bad("null (required)", F.nullNode(), null));
      }
      for (SpecFields.Bad v : values) {
        ObjectNode t = base();
        set(t, f.path(), v.value());
        out.add(new Mutation(f.path() + ": " + v.label(), t, v.yamlOnly(), List.of(f.path())));
      }
      if (f.kind() == SpecFields.Kind.OBJECT) {
        ObjectNode t = base();
        ((ObjectNode) at(t, f.path())).put("colour", "red");
        out.add(new Mutation(f.path() + ": an unknown field", t, null, List.of(f.path() + ".colour")));
      }
    }
    ObjectNode t = base();
    t.put("nmae", "typo");
    out.add(new Mutation("an unknown top-level field", t, null, List.of("nmae")));
    return out;
  }

  private static FuzzCase spec(String category, String name, String body, List<String> fields) {
    return new FuzzCase(category, name, request(category.equals(YAML), body.getBytes(StandardCharsets.UTF_8)), fields);
  }

  private static FuzzCase.Request request(boolean yaml, byte[] body) {
    return new FuzzCase.Spec(yaml ? "application/yaml" : "application/json", body);
  }

  /** Whether the spec reader takes this case: then it is not malformed. */
  private static boolean locallyValid(FuzzCase c, boolean yaml) {
    String text = new String(((FuzzCase.Spec) c.request()).body(), StandardCharsets.UTF_8);
    try {
      JobSpecs.parse(text, yaml ? JobSpecs.Format.YAML : JobSpecs.Format.JSON);
      return true;
    } catch (RuntimeException refused) {
      return false;
    }
  }

  /** The valid spec every mutation starts from: LeNet-5, one-shot L1 at 50%. */
  static ObjectNode base() {
    return (ObjectNode) read(Fixtures.lenetSpecYaml("fuzz"));
  }

  private static ObjectNode layerwise() {
    ObjectNode t = base();
    t.with("prune").set("select", F.objectNode().put("compressRate", "[0.5]*2"));
    t.set("schedule", read("{\"mode\": \"layerwise\", \"perStep\": {\"epochs\": 1}, \"finalTune\": {\"epochs\": 1}}"));
    return t;
  }

  private static JsonNode read(String yaml) {
    try {
      return YAML_MAPPER.readTree(yaml);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode value(String json) {
    try {
      return JSON_MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalStateException(json, e);
    }
  }

  /** Sets a dotted path, creating the objects on the way. */
  private static void set(ObjectNode root, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode o = root;
    for (int i = 0; i < parts.length - 1; i++) {
      o = o.with(parts[i]);
    }
    o.set(parts[parts.length - 1], value);
  }

  private static JsonNode at(ObjectNode root, String path) {
    JsonNode n = root;
    for (String part : path.split("\\.")) {
      n = n.get(part);
    }
    return n;
  }

  private static ArrayNode list(JsonNode... items) {
    ArrayNode a = F.arrayNode();
    for (JsonNode i : items) {
      a.add(i);
    }
    return a;
  }

  private static JsonNode nested(int depth) {
    JsonNode n = F.numberNode(1);
    for (int i = 0; i < depth; i++) {
      n = list(n);
    }
    return n;
  }

  private static JsonNode randomValue(Random rnd, int depth) {
    return switch (rnd.nextInt(depth > 3 ? 6 : 8)) {
      case 0 -> F.numberNode(rnd.nextLong());
      case 1 -> F.numberNode(rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20));
      case 2 -> F.textNode(randomString(rnd));
      case 3 -> F.booleanNode(rnd.nextBoolean());
      case 4 -> F.nullNode();
      case 5 -> nested(1 + rnd.nextInt(300));
      case 6 -> {
        ArrayNode a = F.arrayNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          a.add(randomValue(rnd, depth + 1));
        }
        yield a;
      }
      default -> {
        ObjectNode o = F.objectNode();
        for (int i = rnd.nextInt(4); i > 0; i--) {
          o.set(randomString(rnd), randomValue(rnd, depth + 1));
        }
        yield o;
      }
    };
  }

  private static String randomString(Random rnd) {
    StringBuilder s = new StringBuilder();
    for (int i = rnd.nextInt(20); i > 0; i--) {
      int cp = rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : 'a' + rnd.nextInt(26);
      if (Character.isValidCodePoint(cp) && !Character.isSurrogate((char) cp)) {
        s.appendCodePoint(cp);
      }
    }
    return s.toString();
  }

  static String json(JsonNode t) {
    try {
      return JSON_MAPPER.writeValueAsString(t);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String yaml(JsonNode t, String yamlOnly) {
    try {
      String text = YAML_MAPPER.writeValueAsString(t);
      return yamlOnly == null ? text : text.replace("\"" + SpecFields.YAML_ONLY + "\"", yamlOnly).replace(SpecFields.YAML_ONLY, yamlOnly);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> append(List<String> list, String item) {
    List<String> out = new ArrayList<>(list);
    out.add(item);
    return out;
  }

  static String abbreviate(String s) {
    String oneLine = s.replace("\n", "\\n").replace("\u0000", "\\0");
    return oneLine.length() <= 60 ? oneLine : oneLine.substring(0, 40) + "...(" + oneLine.length() + " chars)";
  }
}
