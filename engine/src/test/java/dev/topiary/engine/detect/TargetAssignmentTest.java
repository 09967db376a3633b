package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Hand-built assignments on a 64 px input: grids 8x8, 4x4, 2x2 (strides 8, 16, 32) with YOLOv5's
 * default anchors, in grid units at level 0: (1.25, 1.625), (2, 3.75), (4.125, 2.875).
 */
class TargetAssignmentTest {
  private static final int[] GRID = {8, 4, 2};

  private static TargetAssignment assign(float... rows) {
    return TargetAssignment.assign(rows, 2, 3, Anchors.yolov5Default(), GRID, GRID, 4.0f);
  }

  @Test
  void targetNearACellCornerGoesToItsCellAndTheTwoNearestNeighboursOfEachFittingAnchor() {
    // cx = 19/64, cy = 29/64: centre (2.375, 3.625) in level-0 cells, so the cell (x 2, y 3),
    // its left neighbour (x fraction 0.375 < 0.5) and the one below (8 - 3.625 = 4.375, fraction
    // 0.375 < 0.5). w = 0.5, h = 0.0625: 4 x 0.5 cells. Ratios to the anchors: (3.2, 1/0.3077)
    // max 3.25 < 4 for anchor 0; anchor 1 has h ratio 3.75 / 0.5 = 7.5 and anchor 2 5.75: out.
    TargetAssignment t = assign(1, 2, 19 / 64f, 29 / 64f, 0.5f, 0.0625f);
    TargetAssignment.Level l0 = t.level(0);
    assertEquals(3, l0.count());
    assertArrayEquals(new int[] {0, 0, 0}, l0.anchor());
    assertArrayEquals(new int[] {1, 1, 1}, l0.image());
    assertArrayEquals(new int[] {2, 2, 2}, l0.cls());
    // order: centre, left, below
    assertArrayEquals(new int[] {2, 1, 2}, l0.gridX());
    assertArrayEquals(new int[] {3, 3, 4}, l0.gridY());
    // tbox: centre relative to each cell's corner, size in cells
    assertArrayEquals(new float[] {
        0.375f, 0.625f, 4, 0.5f,
        1.375f, 0.625f, 4, 0.5f,
        0.375f, -0.375f, 4, 0.5f}, l0.box(), 0f);
    assertArrayEquals(new float[] {1.25f, 1.625f, 1.25f, 1.625f, 1.25f, 1.625f}, l0.anchorWh(), 0f);
    // level 1: 2 x 0.25 cells against (1.875, 3.8125) gives an h ratio of 15; level 2 worse
    assertEquals(0, t.level(1).count());
    assertEquals(0, t.level(2).count());
  }

  @Test
  void everyAnchorWithinTheRatioGetsTheTargetAndTheCentreAloneWhenItSitsMidCell() {
    // (2.5, 3.5) is the middle of its cell: no neighbour is nearer than 0.5. A 10 x 13 px box is
    // anchor 0 exactly; anchors 1 (ratio 3.75 / 1.625 = 2.31) and 2 (4.125 / 1.25 = 3.3) pass too
    TargetAssignment.Level l0 = assign(0, 0, 20 / 64f, 28 / 64f, 10 / 64f, 13 / 64f).level(0);
    assertEquals(3, l0.count());
    assertArrayEquals(new int[] {0, 1, 2}, l0.anchor());
    assertArrayEquals(new int[] {2, 2, 2}, l0.gridX());
    assertArrayEquals(new int[] {3, 3, 3}, l0.gridY());
  }

  @Test
  void targetOnTheRightBorderIsClampedIntoTheLastColumn() {
    // cx = 1: gx = 8, the cell index 8 clamps to 7 and the box x becomes 8 - 7 = 1. A whole
    // fraction (0) takes the left neighbour (gx > 1) and both up and down (gy = 4, 8 - 4 = 4),
    // but not the right one (8 - gx = 0 is not above 1): centre, left, up, down
    TargetAssignment.Level l0 = assign(0, 1, 1f, 0.5f, 10 / 64f, 13 / 64f).level(0);
    assertEquals(4 * 3, l0.count()); // three anchors, as above
    assertArrayEquals(new int[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, l0.gridX());
    assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4, 3, 3, 3, 4, 4, 4}, l0.gridY());
    assertEquals(1f, l0.box()[0]); // centre row: x = 8 - 7
    assertEquals(0f, l0.box()[1]);
    assertEquals(1f, l0.box()[4 * 6 + 1]); // up row: y = 4 - 3
  }

  @Test
  void rowsComeByNeighbourThenAnchorThenTarget() {
    // two targets, each only for anchor 0 (flat boxes), both left of their cell's middle
    TargetAssignment.Level l0 = assign(
        0, 0, 19 / 64f, 36 / 64f, 0.5f, 0.0625f,
        1, 1, 43 / 64f, 36 / 64f, 0.5f, 0.0625f).level(0);
    assertArrayEquals(new int[] {0, 1, 0, 1}, l0.image());
    assertArrayEquals(new int[] {2, 5, 1, 4}, l0.gridX());
  }

  @Test
  void noTargetsAssignNothing() {
    TargetAssignment t = assign();
    assertEquals(0, t.level(0).count() + t.level(1).count() + t.level(2).count());
  }

  @Test
  void rejectsMalformedTargetsNamingTheRow() {
    var partial = assertThrows(IllegalArgumentException.class, () -> assign(0, 0, 0.5f, 0.5f, 0.1f));
    assertEquals("targets: 5 values are not rows of 6 (image, class, cx, cy, w, h)", partial.getMessage());
    var image = assertThrows(IllegalArgumentException.class, () -> assign(0, 0, .5f, .5f, .1f, .1f, 2, 0, .5f, .5f, .1f, .1f));
    assertEquals("targets: row 1 has image index 2.0, not an integer in [0, 2)", image.getMessage());
    var cls = assertThrows(IllegalArgumentException.class, () -> assign(0, 3, .5f, .5f, .1f, .1f));
    assertEquals("targets: row 0 has class 3.0, not an integer in [0, 3)", cls.getMessage());
    var box = assertThrows(IllegalArgumentException.class, () -> assign(0, 0, 1.5f, .5f, .1f, .1f));
    assertEquals("targets: row 0 column 2 (cx) is 1.5, outside [0, 1]", box.getMessage());
  }
}
