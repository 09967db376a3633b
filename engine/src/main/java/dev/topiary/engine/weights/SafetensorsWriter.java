package dev.topiary.engine.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes F32 safetensors byte for byte as Python's safetensors library does: compact JSON header
 * with {@code __metadata__} first, tensors sorted by name (UTF-8 byte order) with data in that
 * order, header padded with spaces to a multiple of 8 bytes, values little-endian with their raw
 * bits (NaN payloads kept). Metadata keys are sorted too, which Python leaves to hash order.
 */
final class SafetensorsWriter {
  private static final int CHUNK_FLOATS = 16 * 1024;
  private static final JsonFactory JSON = new JsonFactory();

  private SafetensorsWriter() {}

  static void write(SafetensorsFile file, OutputStream out) throws IOException {
    List<String> names = new ArrayList<>(file.tensors().keySet());
    names.sort(SafetensorsWriter::compareUtf8);
    byte[] header = header(file, names);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_FLOATS * Float.BYTES);
    chunk.order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
    out.write(chunk.array(), 0, Long.BYTES);
    out.write(header);
    for (String name : names) {
      float[] data = file.tensors().get(name).data();
      for (int done = 0; done < data.length; ) {
        int count = Math.min(CHUNK_FLOATS, data.length - done);
        chunk.clear();
        chunk.asFloatBuffer().put(data, done, count);
        out.write(chunk.array(), 0, count * Float.BYTES);
        done += count;
      }
    }
  }

  private static byte[] header(SafetensorsFile file, List<String> sortedNames) throws IOException {
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(json)) {
      g.writeStartObject();
      if (!file.metadata().isEmpty()) {
        g.writeObjectFieldStart(SafetensorsHeader.METADATA_KEY);
        for (Map.Entry<String, String> e : new TreeMap<>(file.metadata()).entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      long offset = 0;
      for (String name : sortedNames) {
        Tensor t = file.tensors().get(name);
        g.writeObjectFieldStart(name);
        g.writeStringField("dtype", Dtype.F32.name());
        g.writeArrayFieldStart("shape");
        for (int dim : t.shape()) {
          g.writeNumber(dim);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(offset);
        offset += (long) t.data().length * Float.BYTES;
        g.writeNumber(offset);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    byte[] bytes = json.toByteArray();
    // The Python library pads so that the data section starts 8-byte aligned.
    int padded = (bytes.length + 7) / 8 * 8;
    byte[] out = Arrays.copyOf(bytes, padded);
    Arrays.fill(out, bytes.length, padded, (byte) ' ');
    return out;
  }

  /** UTF-8 byte order, which is code point order (String.compareTo differs above U+FFFF). */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
