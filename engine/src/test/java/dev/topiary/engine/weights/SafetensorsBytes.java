package dev.topiary.engine.weights;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds safetensors bytes by hand, independently of the writer under test. */
final class SafetensorsBytes {
  private SafetensorsBytes() {}

  /** The 8-byte little-endian length, the header as given (no padding added), then the data. */
  static byte[] file(String headerJson, byte[] data) {
    return file(headerJson.getBytes(StandardCharsets.UTF_8), data);
  }

  static byte[] file(byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(u64(header.length));
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] u64(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putInt(Float.floatToRawIntBits(v));
    }
    return b.array();
  }

  static byte[] u16(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
