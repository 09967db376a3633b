package dev.topiary.gateway.fuzz;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.graph.GraphJson;
import dev.topiary.engine.weights.Weights;
import dev.topiary.gateway.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Malformed {@code POST /api/v1/models} uploads of {@code graph.json} with {@code
 * weights.safetensors}: graphs with a cycle, a node reading itself, shapes of 2^31, a zero stride,
 * a million nodes, 0-byte and truncated; the weights' cases are {@link SafetensorsCases}; and from
 * the seed, flipped bytes in either file's structure (never in the tensor data, which any bytes
 * make valid).
 */
final class ModelCases {
  static final String CATEGORY = "model";
  static final String GRAPH = "graph.json";
  static final String WEIGHTS = "weights.safetensors";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ModelCases() {}

  static List<FuzzCase> systematic() {
    List<FuzzCase> out = new ArrayList<>();
    graphCases(out);
    out.addAll(SafetensorsCases.systematic());
    return out;
  }

  private static void graphCases(List<FuzzCase> out) {
    graph(out, "a cycle (the first node reads the last)", g -> inputs(node(g, 0), name(g, nodes(g).size() - 1)));
    graph(out, "a node reading itself", g -> inputs(node(g, 1), name(g, 1)));
    graph(out, "a node reading a node that does not exist", g -> inputs(node(g, 2), "ghost"));
    graph(out, "two nodes of the same name", g -> node(g, 1).put("name", name(g, 0)));
    graph(out, "an input shape of 2^31", g -> shape(g, 1, 1L << 31, 28));
    graph(out, "an input shape of 2^31 - 1 squared", g -> shape(g, 1, Integer.MAX_VALUE, Integer.MAX_VALUE));
    graph(out, "a negative input shape", g -> shape(g, 1, -28, 28));
    graph(out, "an empty input shape", g -> shape(g));
    graph(out, "a conv of 2^31 - 1 output channels", g -> conv(g).put("outChannels", Integer.MAX_VALUE));
    graph(out, "a conv of stride 0", g -> conv(g).set("stride", ints(0, 0)));
    graph(out, "a conv of 0 groups", g -> conv(g).put("groups", 0));
    graph(out, "a conv of a negative kernel", g -> conv(g).set("kernel", ints(-5, 5)));
    graph(out, "a conv of padding 2^31 - 1", g -> conv(g).set("padding", ints(Integer.MAX_VALUE, Integer.MAX_VALUE)));
    graph(out, "attributes nested 200 deep", g -> conv(g).set("kernel", nested(200)));
    graph(out, "an unknown op", g -> node(g, 1).put("op", "Gelu"));
    graph(out, "an unknown node field", g -> node(g, 1).put("colour", "red"));
    graph(out, "format version 99", g -> g.put("version", 99));
    graph(out, "another format", g -> g.put("format", "onnx"));
    graph(out, "nodes not a list", g -> g.put("nodes", "conv1"));
    graph(out, "no nodes", g -> g.set("nodes", JSON.createArrayNode()));
    graph(out, "an output that is no node", g -> ((ArrayNode) g.get("outputs")).set(0, JSON.getNodeFactory().textNode("ghost")));
    graph(out, "metadata of a number", g -> g.putObject("metadata").put("classes", 10));
    out.add(model("graph.json: empty (0 bytes)", new byte[0], Fixtures.lenetWeights(), GRAPH));
    out.add(model("graph.json: not UTF-8", new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}, Fixtures.lenetWeights(), GRAPH));
    out.add(model("graph.json: JSON null", "null".getBytes(StandardCharsets.UTF_8), Fixtures.lenetWeights(), GRAPH));
    out.add(model("graph.json: a list", "[]".getBytes(StandardCharsets.UTF_8), Fixtures.lenetWeights(), GRAPH));
    byte[] graph = Fixtures.lenetGraphJson();
    for (int cut : new int[] {1, graph.length / 3, graph.length - 3}) {
      out.add(model("graph.json: truncated to " + cut + " of " + graph.length + " bytes", Arrays.copyOf(graph, cut),
          Fixtures.lenetWeights(), GRAPH));
    }
    out.add(model("graph.json: a million nodes (over the size limit)", millionNodes(), Fixtures.lenetWeights(), GRAPH));
    out.add(model("graph.json: a 3000-node chain, with weights that lack a tensor", longChain(3_000),
        Fixtures.lenetWeightsMissing("conv1.weight"), GRAPH, WEIGHTS));
  }

  /** A random case from the seed: bytes flipped in the graph's text or the weights' header, or a file cut short. */
  static FuzzCase random(Random rnd) {
    while (true) {
      byte[] graph = Fixtures.lenetGraphJson();
      byte[] weights = Fixtures.lenetWeights();
      String what;
      switch (rnd.nextInt(3)) {
        case 0 -> what = "graph.json bytes flipped at " + flip(graph, 0, graph.length, rnd);
        case 1 -> what = "weights.safetensors header bytes flipped at " + flip(weights, 0, 8 + SafetensorsCases.headerLength(weights), rnd);
        default -> {
          int cut = rnd.nextInt(weights.length);
          weights = Arrays.copyOf(weights, cut);
          what = "weights.safetensors cut to " + cut + " bytes";
        }
      }
      if (!locallyValid(graph, weights)) {
        return model("random: " + what, graph, weights, GRAPH, WEIGHTS);
      }
    }
  }

  static String flip(byte[] b, int from, int to, Random rnd) {
    StringBuilder where = new StringBuilder();
    for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
      int at = from + rnd.nextInt(to - from);
      b[at] ^= (byte) (1 << rnd.nextInt(8));
      where.append(where.length() == 0 ? "" : ",").append(at);
    }
    return where.toString();
  }

  /** Whether the engine reads both files and finds them matching: then the upload is no malformed input. */
  private static boolean locallyValid(byte[] graph, byte[] weights) {
    try {
      Weights.read(weights, WEIGHTS).checkAgainst(GraphJson.read(new String(graph, StandardCharsets.UTF_8), GRAPH).paramShapes(), WEIGHTS);
      return true;
    } catch (RuntimeException refused) {
      return false;
    }
  }

  private static void graph(List<FuzzCase> out, String name, Consumer<ObjectNode> change) {
    ObjectNode g = (ObjectNode) read(Fixtures.lenetGraphJson());
    change.accept(g);
    out.add(model("graph.json: " + name, write(g), Fixtures.lenetWeights(), GRAPH, WEIGHTS));
  }

  static FuzzCase model(String name, byte[] graph, byte[] weights, String... fields) {
    return new FuzzCase(CATEGORY, name, new FuzzCase.Upload("/api/v1/models", List.of(new FuzzCase.Part(GRAPH, GRAPH, graph),
        new FuzzCase.Part(WEIGHTS, WEIGHTS, weights))), List.of(fields));
  }

  private static ArrayNode nodes(ObjectNode g) {
    return (ArrayNode) g.get("nodes");
  }

  private static ObjectNode node(ObjectNode g, int i) {
    return (ObjectNode) nodes(g).get(i);
  }

  private static String name(ObjectNode g, int i) {
    return node(g, i).get("name").asText();
  }

  private static void inputs(ObjectNode node, String... names) {
    ArrayNode a = node.putArray("inputs");
    Arrays.stream(names).forEach(a::add);
  }

  private static ObjectNode conv(ObjectNode g) {
    for (JsonNode n : nodes(g)) {
      if (n.get("op").asText().equals("Conv")) {
        return (ObjectNode) n.get("attrs");
      }
    }
    throw new IllegalStateException("LeNet-5 without a Conv");
  }

  private static void shape(ObjectNode g, long... dims) {
    ArrayNode a = ((ObjectNode) g.get("inputs").get(0)).putArray("shape");
    Arrays.stream(dims).forEach(a::add);
  }

  static ArrayNode ints(long... values) {
    ArrayNode a = JSON.createArrayNode();
    Arrays.stream(values).forEach(a::add);
    return a;
  }

  static JsonNode nested(int depth) {
    JsonNode n = JSON.getNodeFactory().numberNode(1);
    for (int i = 0; i < depth; i++) {
      n = JSON.createArrayNode().add(n);
    }
    return n;
  }

  /** LeNet-5's graph behind a chain of {@code length} Relu nodes on its input: a valid, deep graph. */
  private static byte[] longChain(int length) {
    ObjectNode g = (ObjectNode) read(Fixtures.lenetGraphJson());
    String input = g.get("inputs").get(0).get("name").asText();
    ArrayNode chain = JSON.createArrayNode();
    String previous = input;
    for (int i = 0; i < length; i++) {
      chain.addObject().put("name", "r" + i).put("op", "Relu").<ObjectNode>set("inputs", JSON.createArrayNode().add(previous))
          .putObject("attrs");
      previous = "r" + i;
    }
    for (JsonNode n : nodes(g)) {
      ArrayNode ins = (ArrayNode) n.get("inputs");
      for (int i = 0; i < ins.size(); i++) {
        if (ins.get(i).asText().equals(input)) {
          ins.set(i, JSON.getNodeFactory().textNode(previous));
        }
      }
    }
    chain.addAll(nodes(g));
    g.set("nodes", chain);
    return write(g);
  }

  /** A million Relu nodes in a chain, streamed as text (some 50 MB). */
  private static byte[] millionNodes() {
    StringBuilder s = new StringBuilder("{\"format\": \"topiary-graph\", \"version\": 1, \"name\": \"huge\", "
        + "\"inputs\": [{\"name\": \"input\", \"shape\": [1, 28, 28]}], \"nodes\": [");
    for (int i = 0; i < 1_000_000; i++) {
      s.append(i == 0 ? "" : ",").append("{\"name\":\"r").append(i).append("\",\"op\":\"Relu\",\"inputs\":[\"")
          .append(i == 0 ? "input" : "r" + (i - 1)).append("\"],\"attrs\":{}}");
    }
    return s.append("], \"outputs\": [\"r999999\"]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode read(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] write(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JacksonException e) {
      throw new IllegalStateException(e);
    }
  }
}
