package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private static final long SECOND = 1_000_000_000L;

  /** A clock the test moves by hand, and the output the line writes. */
  private static final class Harness {
    long now = 5 * SECOND;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final ProgressLine line;

    Harness(boolean terminal) {
      line = new ProgressLine("train", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, () -> now);
    }

    String out() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void rateAndEtaCountFromTheEndOfTheFirstStep() {
    assertEquals(1000.0, ProgressLine.rate(2000, 2 * SECOND), 1e-9);
    assertEquals(0.0, ProgressLine.rate(2000, 0), 1e-9);
    assertEquals(58, ProgressLine.etaSeconds(2000, 60_000, 1000));
    assertEquals(1, ProgressLine.etaSeconds(59_999, 60_000, 1000), "a part second rounds up");
    assertEquals(-1, ProgressLine.etaSeconds(2000, 0, 1000), "unknown epoch size");
    assertEquals(-1, ProgressLine.etaSeconds(2000, 60_000, 0), "no rate yet");
  }

  @Test
  void formatsBarCountsRateAndEta() {
    assertEquals("train epoch 2/5 |######..................| 15,000/60,000  1,234 img/s  ETA 0:37",
        ProgressLine.line("train", 1, 5, 15_000, 60_000, 1234));
    assertEquals("finetune 3/13 epoch 1/1 640 images  50 img/s", ProgressLine.line("finetune 3/13", 0, 1, 640, 0, 50));
    assertEquals("0:07", ProgressLine.duration(7));
    assertEquals("12:05", ProgressLine.duration(725));
    assertEquals("1:02:03", ProgressLine.duration(3723));
    assertEquals("|########################|", ProgressLine.bar(70, 60), "never wider than the bar");
  }

  @Test
  void redrawsInPlaceOnATerminalAtMostFiveTimesASecond() {
    Harness h = new Harness(true);
    h.line.stepped(0, 2, 100, 1000); // the first step: starts the clock, shows nothing
    assertEquals("", h.out());
    h.now += SECOND;
    h.line.stepped(0, 2, 300, 1000);
    assertEquals("\r\033[Ktrain epoch 1/2 |#######.................| 300/1,000  200 img/s  ETA 0:04", h.out());
    h.now += SECOND / 10;
    h.line.stepped(0, 2, 320, 1000);
    assertEquals(1, h.out().split("\r").length - 1, "no redraw within 200 ms");
    h.line.clear();
    assertTrue(h.out().endsWith("ETA 0:04\r\033[K"), "clear erases the drawn line");
    h.line.clear();
    assertEquals(2, h.out().split("\r", -1).length - 1, "a second clear writes nothing");
  }

  @Test
  void printsPlainLinesEveryTenSecondsElsewhere() {
    Harness h = new Harness(false);
    h.line.stepped(0, 1, 100, 10_000);
    for (int i = 1; i <= 25; i++) {
      h.now += SECOND;
      h.line.stepped(0, 1, 100 + 100L * i, 10_000);
    }
    String[] lines = h.out().split("\n");
    assertEquals(2, lines.length, h.out());
    assertEquals("train epoch 1/1 |###.....................| 1,100/10,000  100 img/s  ETA 1:29", lines[0]);
    assertEquals("train epoch 1/1 |#####...................| 2,100/10,000  100 img/s  ETA 1:19", lines[1]);
    assertFalse(h.out().contains("\r"), "no carriage return in a log");
    h.line.clear();
    assertEquals(2, h.out().split("\n").length, "nothing to erase off a terminal");
  }

  @Test
  void aNewEpochRestartsTheRateAndTheLastStepLeavesTheLineToTheEpoch() {
    Harness h = new Harness(false);
    h.line.stepped(0, 2, 100, 1000);
    h.now += 20 * SECOND;
    h.line.stepped(0, 2, 1000, 1000);
    assertEquals("", h.out(), "the epoch's last step prints nothing: the epoch's own line follows");
    h.now += 60 * SECOND; // validation
    h.line.stepped(1, 2, 100, 1000);
    h.now += 10 * SECOND;
    h.line.stepped(1, 2, 600, 1000);
    assertEquals("train epoch 2/2 |##############..........| 600/1,000  50 img/s  ETA 0:08\n", h.out());
  }
}
