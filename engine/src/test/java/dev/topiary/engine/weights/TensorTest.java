package dev.topiary.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {

  @Test
  void rejectsDataLengthThatIsNotTheProductOfTheShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Tensor(new int[] {2, 3}, new float[5]));
    assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
  }

  @Test
  void rejectsNegativeDimension() {
    assertThrows(
        IllegalArgumentException.class, () -> new Tensor(new int[] {-1, -1}, new float[1]));
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, -2));
  }

  @Test
  void rejectsShapeTooLargeForAnArray() {
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536));
  }

  @Test
  void scalarHoldsOneValueAndEmptyDimensionHoldsNone() {
    assertEquals(1, new Tensor(new int[0], new float[] {4}).data().length);
    assertEquals(0, Tensor.zeros(3, 0, 5).data().length);
  }

  @Test
  void copiesShapeInAndOutButSharesData() {
    int[] shape = {2, 2};
    float[] data = {1, 2, 3, 4};
    Tensor t = new Tensor(shape, data);
    shape[0] = 4;
    t.shape()[1] = 1;

    assertArrayEquals(new int[] {2, 2}, t.shape());
    assertSame(data, t.data());
    assertArrayEquals(new float[] {1, 2, 3, 4}, t.copy().data());
    assertNotEquals(System.identityHashCode(data), System.identityHashCode(t.copy().data()));
  }

  @Test
  void equalityComparesShapesAndRawBits() {
    float nanA = Float.intBitsToFloat(0x7FC0_0001);
    float nanB = Float.intBitsToFloat(0x7FC0_0002);
    Tensor a = new Tensor(new int[] {2}, new float[] {nanA, -0.0f});

    assertEquals(a, new Tensor(new int[] {2}, new float[] {nanA, -0.0f}));
    assertEquals(a.hashCode(), new Tensor(new int[] {2}, new float[] {nanA, -0.0f}).hashCode());
    assertNotEquals(a, new Tensor(new int[] {2}, new float[] {nanB, -0.0f}));
    assertNotEquals(a, new Tensor(new int[] {2}, new float[] {nanA, 0.0f}));
    assertNotEquals(a, new Tensor(new int[] {1, 2}, new float[] {nanA, -0.0f}));
  }
}
