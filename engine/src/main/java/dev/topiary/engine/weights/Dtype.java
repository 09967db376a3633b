package dev.topiary.engine.weights;

import java.nio.ByteBuffer;

/**
 * The safetensors element types this package reads. Everything is decoded to float32; only F32 is
 * ever written. Other safetensors dtypes (F64, integers, booleans, FP8) are rejected on read.
 */
enum Dtype {
  F32(4) {
    @Override
    void decode(ByteBuffer littleEndian, float[] out, int offset, int count) {
      littleEndian.asFloatBuffer().get(out, offset, count);
    }
  },
  F16(2) {
    @Override
    void decode(ByteBuffer littleEndian, float[] out, int offset, int count) {
      int base = littleEndian.position();
      for (int i = 0; i < count; i++) {
        out[offset + i] = HalfFloats.f16ToFloat(littleEndian.getShort(base + i * 2));
      }
    }
  },
  BF16(2) {
    @Override
    void decode(ByteBuffer littleEndian, float[] out, int offset, int count) {
      int base = littleEndian.position();
      for (int i = 0; i < count; i++) {
        out[offset + i] = HalfFloats.bf16ToFloat(littleEndian.getShort(base + i * 2));
      }
    }
  };

  private final int size;

  Dtype(int size) {
    this.size = size;
  }

  /** Bytes per element. */
  int size() {
    return size;
  }

  /**
   * Decodes {@code count} elements, starting at the buffer's position, into {@code out[offset..]}.
   * The buffer must be little-endian and hold at least {@code count * size()} remaining bytes.
   */
  abstract void decode(ByteBuffer littleEndian, float[] out, int offset, int count);

  /** The dtype spelled as in a safetensors header ({@code "F32"}), or null when not supported. */
  static Dtype fromName(String name) {
    for (Dtype d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }
}
