package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ChannelConstraintsTest {
  private final ChannelConstraints by8 = new ChannelConstraints(8, 1);

  @Test
  void roundsKeptCountToTheNearestMultipleTiesUpward() {
    assertEquals(32, by8.kept(64, 30));
    assertEquals(32, by8.kept(64, 28)); // 24 and 32 are equally near: keep more
    assertEquals(24, by8.kept(64, 27));
    assertEquals(8, by8.kept(64, 1)); // smallest multiple >= minChannels
    assertEquals(56, by8.kept(60, 59)); // largest multiple <= the original
    assertEquals(64, new ChannelConstraints(64, 1).kept(100, 90));
  }

  @Test
  void leavesUntouchedGroupsWholeAndNarrowLayersUnrounded() {
    assertEquals(60, by8.kept(60, 60), "rounding never prunes a group the selector left whole");
    assertEquals(5, new ChannelConstraints(16, 1).kept(10, 5), "no multiple of 16 fits in [1, 10]");
  }

  @Test
  void keepsAtLeastMinChannelsOrTheWholeGroup() {
    assertEquals(1, ChannelConstraints.DEFAULT.kept(16, 0));
    assertEquals(4, new ChannelConstraints(1, 4).kept(16, 2));
    assertEquals(4, new ChannelConstraints(1, 8).kept(4, 1));
    assertEquals(16, new ChannelConstraints(8, 12).kept(64, 3)); // smallest multiple of 8 >= 12
  }

  @Test
  void isNonDecreasingInTheWantedCount() {
    for (ChannelConstraints c : new ChannelConstraints[] {by8, new ChannelConstraints(3, 5), new ChannelConstraints(16, 1)}) {
      for (int units : new int[] {7, 10, 33, 64}) {
        for (int w = 1; w <= units; w++) {
          assertTrue(c.kept(units, w) >= c.kept(units, w - 1), c + " units " + units + " wanted " + w);
          assertTrue(c.kept(units, w) <= units);
        }
      }
    }
  }

  @Test
  void theCapKeepsWhatTheLargestRemovableFractionLeavesAndRoundingStaysAboveIt() {
    ChannelConstraints cap = new ChannelConstraints(1, 1, 0.75);
    assertEquals(4, cap.kept(16, 1), "at most floor(16 * 0.75) = 12 of 16 go");
    assertEquals(5, cap.kept(17, 0), "floor(17 * 0.75) = 12 go, 5 stay");
    assertEquals(10, cap.kept(16, 10), "a count above the cap is left as wanted");
    assertEquals(16, new ChannelConstraints(8, 1, 0.75).kept(64, 3), "the cap's 16 is the floor, rounded to 8 from there");
    assertEquals(8, new ChannelConstraints(1, 8, 0.75).kept(16, 2), "minChannels wins where it keeps more");
    assertEquals(1, new ChannelConstraints(1, 1, 1.0).kept(16, 0), "1 is no cap");
  }

  @Test
  void rejectsNonPositiveSettings() {
    assertThrows(IllegalArgumentException.class, () -> new ChannelConstraints(0, 1));
    var e = assertThrows(IllegalArgumentException.class, () -> new ChannelConstraints(8, 0));
    assertTrue(e.getMessage().startsWith("minChannels"), e.getMessage());
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      var c = assertThrows(IllegalArgumentException.class, () -> new ChannelConstraints(1, 1, bad));
      assertTrue(c.getMessage().startsWith("maxPruningRatio"), c.getMessage());
    }
  }
}
