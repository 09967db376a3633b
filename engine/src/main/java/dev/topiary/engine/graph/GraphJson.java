package dev.topiary.engine.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.InvalidModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The versioned JSON form of a {@link Graph} ({@code graph.json} in a model artifact):
 *
 * <pre>{@code
 * {"format": "topiary-graph", "version": 1, "name": "lenet5",
 *  "inputs": [{"name": "input", "shape": [1, 28, 28]}],
 *  "nodes": [{"name": "conv1", "op": "Conv", "inputs": ["input"],
 *             "attrs": {"outChannels": 6, "kernel": [5, 5], "stride": [1, 1], "padding": [2, 2],
 *                       "dilation": [1, 1], "groups": 1, "bias": true}}, ...],
 *  "outputs": ["fc3"]}
 * }</pre>
 *
 * Reading is strict: unknown or missing fields and attributes, unknown ops and newer versions are
 * rejected with an {@link InvalidModelException} naming the source, the node and the reason.
 */
public final class GraphJson {
  /** Value of the {@code format} field. */
  public static final String FORMAT = "topiary-graph";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();
  private static final Set<String> TOP_FIELDS = Set.of("format", "version", "name", "inputs", "nodes", "outputs", "metadata");
  private static final Set<String> NODE_FIELDS = Set.of("name", "op", "inputs", "attrs");

  private GraphJson() {}

  /** The JSON text of a graph. */
  public static String write(Graph g) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", Graph.FORMAT_VERSION);
    root.put("name", g.name());
    ArrayNode ins = root.putArray("inputs");
    for (GraphInput in : g.inputs()) {
      ObjectNode o = ins.addObject();
      o.put("name", in.name());
      o.set("shape", MAPPER.valueToTree(in.shape()));
    }
    ArrayNode nodes = root.putArray("nodes");
    for (Node n : g.nodes()) {
      ObjectNode o = nodes.addObject();
      o.put("name", n.name());
      o.put("op", n.type().jsonName());
      ArrayNode from = o.putArray("inputs");
      n.inputs().forEach(from::add);
      o.set("attrs", MAPPER.valueToTree(n.op()));
    }
    ArrayNode outs = root.putArray("outputs");
    g.outputs().forEach(outs::add);
    if (!g.metadata().isEmpty()) {
      ObjectNode meta = root.putObject("metadata");
      g.metadata().forEach(meta::put);
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise graph " + g.name(), e);
    }
  }

  public static void write(Graph g, Path file) throws IOException {
    Files.writeString(file, write(g), StandardCharsets.UTF_8);
  }

  public static Graph read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidModelException(file + ": cannot read graph: " + e.getMessage(), e);
    }
    return read(text, file.toString());
  }

  /** The optional {@code metadata} object: string values only. */
  private static Map<String, String> metadata(JsonNode root) {
    JsonNode meta = root.get("metadata");
    if (meta == null) {
      return Map.of();
    }
    if (!meta.isObject()) {
      throw new InvalidModelException("field 'metadata' must be an object of strings");
    }
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) meta::fields) {
      if (!e.getValue().isTextual()) {
        throw new InvalidModelException("metadata '" + e.getKey() + "' must be a string, got " + e.getValue().getNodeType());
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** Parses graph JSON; {@code source} names it in error messages. */
  public static Graph read(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidModelException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidModelException(source + ": a graph must be a JSON object");
    }
    try {
      checkFields(root, TOP_FIELDS, "graph");
      if (!FORMAT.equals(text(root, "format", "graph"))) {
        throw new InvalidModelException("field 'format' must be '" + FORMAT + "'");
      }
      JsonNode v = root.get("version");
      if (v == null || !v.canConvertToInt()) {
        throw new InvalidModelException("field 'version' must be an integer");
      }
      if (v.asInt() < 1 || v.asInt() > Graph.FORMAT_VERSION) {
        throw new InvalidModelException("graph format version " + v.asInt() + " is not supported (this engine reads 1 to " + Graph.FORMAT_VERSION + ")");
      }
      List<GraphInput> inputs = new ArrayList<>();
      for (JsonNode in : array(root, "inputs", "graph")) {
        String name = text(in, "name", "input");
        try {
          inputs.add(new GraphInput(name, MAPPER.treeToValue(in.get("shape"), TensorShape.class)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
          throw new InvalidModelException("input '" + name + "': bad shape " + in.get("shape") + ": " + reason(e), e);
        }
      }
      List<Node> nodes = new ArrayList<>();
      for (JsonNode n : array(root, "nodes", "graph")) {
        nodes.add(readNode(n));
      }
      List<String> outputs = new ArrayList<>();
      for (JsonNode o : array(root, "outputs", "graph")) {
        outputs.add(o.asText());
      }
      return Graph.of(text(root, "name", "graph"), inputs, nodes, outputs, metadata(root));
    } catch (InvalidModelException e) {
      throw new InvalidModelException(source + ": " + e.getMessage(), e);
    }
  }

  private static Node readNode(JsonNode n) {
    String name = text(n, "name", "node");
    checkFields(n, NODE_FIELDS, "node '" + name + "'");
    String opName = text(n, "op", "node '" + name + "'");
    OpType type = OpType.fromJsonName(opName);
    if (type == null) {
      throw new InvalidModelException("node '" + name + "': unknown op '" + opName + "'");
    }
    List<String> from = new ArrayList<>();
    for (JsonNode i : array(n, "inputs", "node '" + name + "'")) {
      from.add(i.asText());
    }
    JsonNode attrs = n.get("attrs");
    if (attrs == null || !attrs.isObject()) {
      throw new InvalidModelException("node '" + name + "' (" + opName + "): field 'attrs' must be an object");
    }
    try {
      return new Node(name, MAPPER.treeToValue(attrs, type.opClass()), from);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidModelException("node '" + name + "' (" + opName + "): bad attributes: " + reason(e), e);
    }
  }

  private static String reason(Exception e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof IllegalArgumentException) {
      return t.getMessage();
    }
    return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
  }

  private static void checkFields(JsonNode obj, Set<String> allowed, String where) {
    Iterator<String> it = obj.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new InvalidModelException(where + ": unknown field '" + f + "'");
      }
    }
  }

  private static String text(JsonNode obj, String field, String where) {
    JsonNode v = obj.get(field);
    if (v == null || !v.isTextual()) {
      throw new InvalidModelException(where + ": field '" + field + "' must be a string");
    }
    return v.asText();
  }

  private static Iterable<JsonNode> array(JsonNode obj, String field, String where) {
    JsonNode v = obj.get(field);
    if (v == null || !v.isArray()) {
      throw new InvalidModelException(where + ": field '" + field + "' must be an array");
    }
    return v;
  }
}
