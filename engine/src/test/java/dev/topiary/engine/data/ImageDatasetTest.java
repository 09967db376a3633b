package dev.topiary.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDatasetTest {
  @Test
  void subsetIsAViewInTheGivenOrder() {
    ImageDataset ds = DataLoaderTest.tiny();
    ImageDataset sub = ds.subset(new int[] {7, 2, 7});
    assertEquals(3, sub.size());
    assertEquals(List.of(1, 2, 1), List.of(sub.label(0), sub.label(1), sub.label(2)));
    assertEquals(20 * 7 + 4, sub.pixel(0, 0, 1, 1));
    assertEquals(20 * 2, sub.pixel(1, 0, 0, 0));
    ImageDataset nested = sub.subset(new int[] {1});
    assertEquals(20 * 2 + 5, nested.pixel(0, 0, 1, 2));
    float[] f = new float[6];
    nested.toFloat(0, f, 0);
    assertEquals((20 * 2 + 5) / 255f, f[5], 1e-7f);
  }

  @Test
  void headTakesTheFirstSamples() {
    ImageDataset head = DataLoaderTest.tiny().head(4);
    assertEquals(4, head.size());
    assertEquals(20 * 3, head.pixel(3, 0, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> head.label(4));
    assertEquals(10, DataLoaderTest.tiny().head(100).size());
  }

  @Test
  void classCountsCountLabels() {
    assertArrayEquals(new int[] {4, 3, 3}, DataLoaderTest.tiny().classCounts());
  }

  @Test
  void builderRejectsInconsistentFieldsNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDataset.builder()
        .setPixels(new byte[5]).setLabels(new int[] {0}).setShape(1, 2, 3).setNumClasses(2).build());
    assertTrue(e.getMessage().startsWith("pixels"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ImageDataset.builder()
        .setPixels(new byte[6]).setLabels(new int[] {2}).setShape(1, 2, 3).setNumClasses(2).build());
    assertTrue(e.getMessage().startsWith("labels[0]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ImageDataset.builder()
        .setPixels(new byte[6]).setLabels(new int[] {1}).setShape(1, 2, 3).setNumClasses(2)
        .optClassNames(List.of("a")).build());
    assertTrue(e.getMessage().startsWith("classNames"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataLoaderTest.tiny().subset(new int[] {10}));
    assertTrue(e.getMessage().startsWith("indices[0]"), e.getMessage());
  }
}
