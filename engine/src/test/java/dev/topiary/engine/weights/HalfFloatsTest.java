package dev.topiary.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  private static int f16Bits(int half) {
    return Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) half));
  }

  private static int bf16Bits(int bfloat) {
    return Float.floatToRawIntBits(HalfFloats.bf16ToFloat((short) bfloat));
  }

  private static void assertBits(float expected, int actualBits) {
    assertEquals(Float.floatToRawIntBits(expected), actualBits, () -> "expected " + expected
        + " but got " + Float.intBitsToFloat(actualBits));
  }

  @Test
  void decodesF16NormalValues() {
    assertBits(1.0f, f16Bits(0x3C00));
    assertBits(-2.0f, f16Bits(0xC000));
    assertBits(65504f, f16Bits(0x7BFF)); // largest finite half
    assertBits(0x1p-14f, f16Bits(0x0400)); // smallest normal half
    assertBits(1.0009765625f, f16Bits(0x3C01)); // 1 + 2^-10
  }

  @Test
  void decodesF16SubnormalsExactly() {
    assertBits(0x1p-24f, f16Bits(0x0001)); // smallest subnormal, 5.96e-8
    assertBits(-0x1p-24f, f16Bits(0x8001));
    assertBits(1023 * 0x1p-24f, f16Bits(0x03FF)); // largest subnormal
  }

  @Test
  void decodesF16SignedZerosInfinitiesAndNaNs() {
    assertBits(0.0f, f16Bits(0x0000));
    assertBits(-0.0f, f16Bits(0x8000));
    assertBits(Float.POSITIVE_INFINITY, f16Bits(0x7C00));
    assertBits(Float.NEGATIVE_INFINITY, f16Bits(0xFC00));
    assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
    assertEquals(0x7FC0_0000, f16Bits(0x7E00)); // canonical quiet NaN
    assertEquals(0xFFC0_2000, f16Bits(0xFE01)); // sign and payload kept
  }

  @Test
  void decodesEveryFiniteF16ValueAsSignTimesPowerOfTwoTimesFraction() {
    for (int h = 0; h <= 0xFFFF; h++) {
      int exponent = (h >>> 10) & 0x1F;
      if (exponent == 0x1F) {
        continue; // infinities and NaNs are covered above
      }
      int mantissa = h & 0x3FF;
      double magnitude =
          exponent == 0
              ? Math.scalb((double) mantissa, -24)
              : Math.scalb(1.0 + mantissa / 1024.0, exponent - 15);
      double expected = (h & 0x8000) != 0 ? -magnitude : magnitude;
      assertBits((float) expected, f16Bits(h));
    }
  }

  @Test
  void decodesBf16AsUpperHalfOfFloat32() {
    assertBits(1.0f, bf16Bits(0x3F80));
    assertBits(-2.0f, bf16Bits(0xC000));
    assertBits(65280f, bf16Bits(0x477F)); // 65504 truncated to bf16's 8-bit mantissa
    assertBits(65536f, bf16Bits(0x4780)); // 65504 rounded to nearest bf16
    assertBits(0x1p-133f, bf16Bits(0x0001)); // smallest subnormal
    assertBits(-0.0f, bf16Bits(0x8000));
    assertBits(Float.POSITIVE_INFINITY, bf16Bits(0x7F80));
    assertBits(Float.NEGATIVE_INFINITY, bf16Bits(0xFF80));
    assertEquals(0x7FC0_0000, bf16Bits(0x7FC0)); // quiet NaN
    assertEquals(0xFF81_0000, bf16Bits(0xFF81)); // signalling NaN payload kept
  }
}
