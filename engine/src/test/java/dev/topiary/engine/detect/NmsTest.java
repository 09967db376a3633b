package dev.topiary.engine.detect;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NmsTest {
  private static Detection box(float x1, float y1, float x2, float y2, float conf, int cls) {
    return new Detection(x1, y1, x2, y2, conf, cls);
  }

  @Test
  void suppressesOverlappingBoxOfSameClassButNotOfAnother() {
    Detection a = box(0, 0, 10, 10, 0.9f, 0);
    Detection b = box(1, 0, 11, 10, 0.8f, 0); // IoU with a: 90 / 110 = 0.82
    Detection c = box(1, 0, 11, 10, 0.7f, 1); // same place, other class
    Detection d = box(20, 20, 30, 30, 0.6f, 0); // far away
    assertEquals(List.of(a, c, d), Nms.suppress(List.of(d, c, b, a), 0.45f, 300));
  }

  @Test
  void suppressesOnlyAboveTheIouThreshold() {
    Detection a = box(0, 0, 10, 10, 0.9f, 0);
    Detection half = box(0, 0, 10, 5, 0.8f, 0); // IoU exactly 0.5
    assertEquals(List.of(a, half), Nms.suppress(List.of(a, half), 0.5f, 300));
    assertEquals(List.of(a), Nms.suppress(List.of(a, half), 0.45f, 300));
  }

  @Test
  void tiedScoresKeepTheCandidateThatCameFirst() {
    Detection first = box(0, 0, 10, 10, 0.5f, 0);
    Detection second = box(1, 1, 11, 11, 0.5f, 0);
    assertEquals(List.of(first), Nms.suppress(List.of(first, second), 0.45f, 300));
    assertEquals(List.of(second), Nms.suppress(List.of(second, first), 0.45f, 300));
  }

  @Test
  void suppressedBoxNoLongerSuppressesOthers() {
    // b overlaps a and c; a suppresses b, so c (which only b overlaps) survives
    Detection a = box(0, 0, 10, 10, 0.9f, 0);
    Detection b = box(4, 0, 14, 10, 0.8f, 0); // IoU(a, b) = 60 / 140 = 0.43
    Detection c = box(8, 0, 18, 10, 0.7f, 0); // IoU(b, c) = 0.43, IoU(a, c) = 20 / 180
    assertEquals(List.of(a, c), Nms.suppress(List.of(a, b, c), 0.4f, 300));
  }

  @Test
  void emptyInputGivesNoDetections() {
    assertTrue(Nms.suppress(List.of(), 0.45f, 300).isEmpty());
    assertTrue(Nms.apply(new float[0], 3, NmsSettings.VALIDATE).isEmpty());
  }

  @Test
  void keepsAtMostMaxDetBestFirst() {
    List<Detection> in = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      in.add(box(20 * i, 0, 20 * i + 10, 10, 0.1f * (i + 1), 0));
    }
    assertEquals(List.of(in.get(4), in.get(3), in.get(2)), Nms.suppress(in, 0.45f, 3));
  }

  @Test
  void dropsCandidatesPastMaxCandidatesByScore() {
    List<Detection> in = new ArrayList<>();
    for (int i = 0; i <= Nms.MAX_CANDIDATES; i++) { // one too many, spread over classes to keep it quick
      in.add(box(20 * (i / 100), 0, 20 * (i / 100) + 10, 10, 1f - i * 1e-5f, i % 100));
    }
    List<Detection> out = Nms.suppress(in, 0.45f, 100_000);
    assertEquals(Nms.MAX_CANDIDATES, out.size());
    assertFalse(out.contains(in.get(Nms.MAX_CANDIDATES)), "the lowest score is dropped");
  }

  @Test
  void bestClassOnlyOrEveryClassAboveConf() {
    // row: cx 5, cy 5, w 10, h 4, obj 0.5, classes 0.9 0.6 0.001 -> scores 0.45 0.3 0.0005
    float[] rows = {5, 5, 10, 4, 0.5f, 0.9f, 0.6f, 0.001f, /* obj below conf */ 5, 5, 10, 4, 0.2f, 1f, 1f, 1f};
    NmsSettings best = new NmsSettings(0.25f, 0.45f, 300, false);
    NmsSettings multi = new NmsSettings(0.25f, 0.45f, 300, true);
    assertEquals(List.of(box(0, 3, 10, 7, 0.45f, 0)), Nms.candidates(rows, 3, best));
    assertEquals(List.of(box(0, 3, 10, 7, 0.45f, 0), box(0, 3, 10, 7, 0.3f, 1)), Nms.candidates(rows, 3, multi));
    // classes never suppress each other: both survive NMS
    assertEquals(2, Nms.apply(rows, 3, multi).size());
  }

  @Test
  void rejectsRowsThatAreNotWhole() {
    assertThrows(IllegalArgumentException.class, () -> Nms.candidates(new float[9], 3, NmsSettings.PREDICT));
  }

  @Test
  void settingsAreYolov5Defaults() {
    assertEquals(new NmsSettings(0.25f, 0.45f, 1000, false), NmsSettings.PREDICT);
    assertEquals(new NmsSettings(0.001f, 0.6f, 300, true), NmsSettings.VALIDATE);
    assertThrows(IllegalArgumentException.class, () -> new NmsSettings(1.5f, 0.45f, 300, false));
  }
}
