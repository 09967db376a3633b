package dev.topiary.engine.weights;

/** Widening of the two 16-bit float formats that safetensors files carry to float32; both exact. */
public final class HalfFloats {
  private HalfFloats() {}

  /**
   * IEEE 754 binary16 to float32. Every half value is representable as a float, so this is exact:
   * subnormals become normal floats, infinities stay infinite and NaNs keep sign and payload.
   */
  public static float f16ToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: mantissa * 2^-24, exact since mantissa has at most 10 bits.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }

  /** bfloat16 to float32: bfloat16 is the upper half of a float32, so this is a shift. */
  static float bf16ToFloat(short bfloat) {
    return Float.intBitsToFloat((bfloat & 0xffff) << 16);
  }
}
