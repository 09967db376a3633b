package dev.topiary.engine.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.topiary.engine.InvalidWeightsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file.
 *
 * <p>Invariants once built: every entry has a supported dtype, non-negative dimensions whose
 * product fits a Java array, and offsets whose length is exactly product(shape) * dtype size; the
 * entries, in data order, tile the data section from 0 to its end with no gap and no overlap, as
 * the format requires. So a reader may allocate and read each entry without further checks.
 */
final class SafetensorsHeader {
  /** The same cap as Python's safetensors library. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** One tensor's header entry; offsets are relative to the start of the data section. */
  record Entry(String name, Dtype dtype, int[] shape, long begin, long end) {
    int elementCount() {
      return (int) ((end - begin) / dtype.size());
    }
  }

  private final List<Entry> entries;
  private final Map<String, String> metadata;

  private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata) {
    this.entries = entries;
    this.metadata = metadata;
  }

  /** The entries in the order of their data. */
  List<Entry> entries() {
    return entries;
  }

  /** The {@code __metadata__} map, empty when absent. */
  Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Parses and validates a header against the length of the data section that follows it.
   *
   * @throws InvalidWeightsException naming {@code source} and the first problem found
   */
  static SafetensorsHeader parse(byte[] headerBytes, long dataLength, String source) {
    JsonNode root = readJson(headerBytes, source);
    if (!root.isObject()) {
      throw invalid(source, "header is not a JSON object but " + root.getNodeType());
    }
    List<Entry> entries = new ArrayList<>();
    Map<String, String> metadata = Map.of();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(field.getValue(), source);
      } else {
        entries.add(parseEntry(field.getKey(), field.getValue(), dataLength, source));
      }
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    checkCoverage(entries, dataLength, source);
    return new SafetensorsHeader(List.copyOf(entries), metadata);
  }

  private static JsonNode readJson(byte[] headerBytes, String source) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(headerBytes));
    } catch (CharacterCodingException e) {
      throw invalid(source, "header is not valid UTF-8");
    }
    try {
      JsonNode root = JSON.readTree(headerBytes);
      if (root == null || root.isMissingNode()) {
        throw invalid(source, "header is empty, not a JSON object");
      }
      return root;
    } catch (IOException e) {
      // Reading from memory, so this is always a parse error; Jackson's message says where.
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw invalid(source, "header is not valid JSON: " + why, e);
    }
  }

  private static Map<String, String> parseMetadata(JsonNode node, String source) {
    if (!node.isObject()) {
      throw invalid(source, METADATA_KEY + " is not a JSON object of strings");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isTextual()) {
        throw invalid(
            source,
            METADATA_KEY + " value for '" + field.getKey() + "' is not a string but "
                + field.getValue().getNodeType());
      }
      metadata.put(field.getKey(), field.getValue().textValue());
    }
    return Collections.unmodifiableMap(metadata);
  }

  private static Entry parseEntry(String name, JsonNode node, long dataLength, String source) {
    String where = "tensor '" + name + "'";
    if (!node.isObject()) {
      throw invalid(source, where + " entry is not a JSON object");
    }
    JsonNode dtypeNode = require(node, "dtype", where, source);
    if (!dtypeNode.isTextual()) {
      throw invalid(source, where + " dtype is not a string");
    }
    Dtype dtype = Dtype.fromName(dtypeNode.textValue());
    if (dtype == null) {
      throw invalid(
          source,
          where + " has unsupported dtype " + dtypeNode.textValue()
              + "; only F32, F16 and BF16 are read");
    }
    int[] shape = parseShape(require(node, "shape", where, source), where, source);
    JsonNode offsets = require(node, "data_offsets", where, source);
    if (!offsets.isArray() || offsets.size() != 2) {
      throw invalid(source, where + " data_offsets is not a pair [begin, end]: " + offsets);
    }
    long begin = nonNegativeLong(offsets.get(0), where + " data_offsets begin", source);
    long end = nonNegativeLong(offsets.get(1), where + " data_offsets end", source);
    if (end < begin) {
      throw invalid(source, where + " data_offsets end " + end + " is before begin " + begin);
    }
    if (end > dataLength) {
      throw invalid(
          source,
          "data truncated: " + where + " ends at byte " + end + " beyond the data section of "
              + dataLength + " bytes");
    }
    long count = Tensor.elementCount(shape);
    if (count > Integer.MAX_VALUE - 8) {
      throw invalid(source, where + " shape " + Arrays.toString(shape) + " is too large");
    }
    if (count * dtype.size() != end - begin) {
      throw invalid(
          source,
          where + " data_offsets [" + begin + ", " + end + "] span " + (end - begin)
              + " bytes but " + dtype + " shape " + Arrays.toString(shape) + " needs "
              + count * dtype.size() + " bytes");
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static int[] parseShape(JsonNode node, String where, String source) {
    if (!node.isArray()) {
      throw invalid(source, where + " shape is not an array: " + node);
    }
    int[] shape = new int[node.size()];
    for (int i = 0; i < shape.length; i++) {
      long dim = nonNegativeLong(node.get(i), where + " shape dimension " + i, source);
      if (dim > Integer.MAX_VALUE) {
        throw invalid(source, where + " shape dimension " + i + " = " + dim + " is too large");
      }
      shape[i] = (int) dim;
    }
    return shape;
  }

  private static long nonNegativeLong(JsonNode node, String what, String source) {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw invalid(source, what + " is not an integer that fits 64 bits: " + node);
    }
    long value = node.longValue();
    if (value < 0) {
      throw invalid(source, what + " is negative: " + value);
    }
    return value;
  }

  private static JsonNode require(JsonNode entry, String field, String where, String source) {
    JsonNode value = entry.get(field);
    if (value == null || value.isNull()) {
      throw invalid(source, where + " entry is missing " + field);
    }
    return value;
  }

  /** The format requires the entries, sorted by offset, to tile the data section exactly. */
  private static void checkCoverage(List<Entry> sorted, long dataLength, String source) {
    long covered = 0;
    Entry previous = null;
    for (Entry e : sorted) {
      if (e.begin() < covered) {
        throw invalid(
            source,
            "tensor '" + e.name() + "' data [" + e.begin() + ", " + e.end() + ") overlaps tensor '"
                + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ")");
      }
      if (e.begin() > covered) {
        throw invalid(
            source,
            "gap of " + (e.begin() - covered) + " bytes in the data section before tensor '"
                + e.name() + "' at byte " + e.begin());
      }
      covered = e.end();
      previous = e;
    }
    if (covered != dataLength) {
      throw invalid(
          source,
          (dataLength - covered) + " trailing bytes of the data section are not covered by any"
              + " tensor (data ends at byte " + covered + " of " + dataLength + ")");
    }
  }

  static InvalidWeightsException invalid(String source, String reason) {
    return new InvalidWeightsException(source + ": " + reason);
  }

  static InvalidWeightsException invalid(String source, String reason, Throwable cause) {
    return new InvalidWeightsException(source + ": " + reason, cause);
  }
}
