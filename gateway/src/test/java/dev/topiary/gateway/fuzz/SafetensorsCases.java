package dev.topiary.gateway.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import dev.topiary.gateway.Fixtures;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Malformed {@code weights.safetensors} beside a valid LeNet-5 {@code graph.json}: headers that lie
 * about their length, offsets that overlap or point past the end, unknown dtypes, shapes of 2^31,
 * headers that are no JSON or no UTF-8, and 0-byte and truncated files. A safetensors file is 8
 * bytes of little-endian header length, the JSON header, then the data.
 */
final class SafetensorsCases {
  private SafetensorsCases() {}

  static List<FuzzCase> systematic() {
    List<FuzzCase> out = new ArrayList<>();
    byte[] valid = Fixtures.lenetWeights();
    weights(out, "a header length past the end of the file", withLength(valid, valid.length));
    weights(out, "a header length of 2^63 - 1", withLength(valid, Long.MAX_VALUE));
    weights(out, "a negative header length", withLength(valid, -1));
    weights(out, "a header length of 0", withLength(valid, 0));
    weights(out, "a header that is not JSON", withHeader(valid, "this is not a header".getBytes(StandardCharsets.UTF_8)));
    weights(out, "a header that is a JSON list", withHeader(valid, "[]".getBytes(StandardCharsets.UTF_8)));
    weights(out, "a header that is not UTF-8", withHeader(valid, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'}));
    weights(out, "a header nested 200 deep", header(valid, h -> h.set("__metadata__", ModelCases.nested(200))));
    weights(out, "overlapping offsets", header(valid, h -> offsets(h, 1, begin(h, 0), begin(h, 0) + span(h, 1))));
    weights(out, "an offset past the end", header(valid, h -> offsets(h, last(h), begin(h, last(h)), end(h, last(h)) + 4)));
    weights(out, "an end before its begin", header(valid, h -> offsets(h, 0, end(h, 0), begin(h, 0))));
    weights(out, "an offset of 2^63", header(valid, h -> entry(h, 0).set("data_offsets", ModelCases.ints().add(0)
        .add(BigInteger.ONE.shiftLeft(63)))));
    weights(out, "a negative offset", header(valid, h -> offsets(h, 0, -8, end(h, 0))));
    weights(out, "an unknown dtype", header(valid, h -> entry(h, 0).put("dtype", "Q4")));
    weights(out, "a float64 dtype", header(valid, h -> entry(h, 0).put("dtype", "F64")));
    weights(out, "a dtype that is a number", header(valid, h -> entry(h, 0).put("dtype", 32)));
    weights(out, "a shape of 2^31", header(valid, h -> entry(h, 0).set("shape", ModelCases.ints().add(1L << 31))));
    int max = Integer.MAX_VALUE;
    weights(out, "a shape of four times 2^31 - 1", header(valid, h -> entry(h, 0).set("shape", ModelCases.ints(max, max, max, max))));
    weights(out, "a negative shape", header(valid, h -> entry(h, 0).set("shape", ModelCases.ints(-6, 1, 5, 5))));
    weights(out, "a shape that does not match its bytes", header(valid, h -> entry(h, 0).set("shape", ModelCases.ints(7, 1, 5, 5))));
    weights(out, "a tensor the graph does not have", withTensor("ghost.weight"));
    weights(out, "metadata that is a list", header(valid, h -> h.set("__metadata__", ModelCases.ints().add("x"))));
    weights(out, "a tensor without offsets", header(valid, h -> entry(h, 0).remove("data_offsets")));
    weights(out, "a duplicate tensor name", duplicateName(valid));
    weights(out, "trailing bytes after the data", concat(valid, new byte[16]));
    weights(out, "empty (0 bytes)", new byte[0]);
    weights(out, "7 bytes", Arrays.copyOf(valid, 7));
    for (int cut : new int[] {8, 8 + headerLength(valid) / 2, 8 + headerLength(valid) + 10, valid.length - 1}) {
      weights(out, "truncated to " + cut + " of " + valid.length + " bytes", Arrays.copyOf(valid, cut));
    }
    return out;
  }

  private static void weights(List<FuzzCase> out, String name, byte[] weights) {
    out.add(ModelCases.model("weights.safetensors: " + name, Fixtures.lenetGraphJson(), weights, ModelCases.WEIGHTS));
  }

  static int headerLength(byte[] file) {
    return (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] data(byte[] file) {
    return Arrays.copyOfRange(file, 8 + headerLength(file), file.length);
  }

  private static byte[] withLength(byte[] file, long length) {
    byte[] out = file.clone();
    ByteBuffer.wrap(out, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(length);
    return out;
  }

  private static byte[] withHeader(byte[] file, byte[] header) {
    return assemble(header, data(file));
  }

  private static byte[] assemble(byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] header(byte[] file, Consumer<ObjectNode> change) {
    ObjectNode h = (ObjectNode) ModelCases.read(Arrays.copyOfRange(file, 8, 8 + headerLength(file)));
    change.accept(h);
    return withHeader(file, ModelCases.write(h));
  }

  /** The i-th tensor entry of a header (in the header's order, which for our writer is the data's). */
  private static ObjectNode entry(ObjectNode h, int i) {
    int k = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("__metadata__") && k++ == i) {
        return (ObjectNode) e.getValue();
      }
    }
    throw new IllegalArgumentException("no tensor " + i);
  }

  private static int last(ObjectNode h) {
    int n = 0;
    for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
      n += it.next().equals("__metadata__") ? 0 : 1;
    }
    return n - 1;
  }

  private static long begin(ObjectNode h, int i) {
    return entry(h, i).get("data_offsets").get(0).asLong();
  }

  private static long end(ObjectNode h, int i) {
    return entry(h, i).get("data_offsets").get(1).asLong();
  }

  private static long span(ObjectNode h, int i) {
    return end(h, i) - begin(h, i);
  }

  private static void offsets(ObjectNode h, int i, long begin, long end) {
    entry(h, i).set("data_offsets", ModelCases.ints(begin, end));
  }

  /** LeNet-5's weights with one more tensor, well formed. */
  private static byte[] withTensor(String name) {
    Weights w = Weights.read(Fixtures.lenetWeights(), ModelCases.WEIGHTS);
    w.put(ParamKey.parse(name), Tensor.zeros(new int[] {2, 2}));
    return w.toBytes();
  }

  /** The first tensor's key written twice in the header. */
  private static byte[] duplicateName(byte[] file) {
    String h = new String(Arrays.copyOfRange(file, 8, 8 + headerLength(file)), StandardCharsets.UTF_8);
    String first = h.substring(1, h.indexOf('}', h.indexOf("\":{")) + 1); // "name":{...}: entries hold no nested object
    return withHeader(file, ("{" + first + "," + h.substring(1)).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
