package dev.topiary.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.topiary.engine.prune.select.ChannelConstraints;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The rounding of kept channel counts in effect for each way of selecting them. */
class SelectionOptionsTest {
  @CommandLine.Command
  static final class Holder {
    @CommandLine.Mixin SelectionOptions selection;
  }

  private static SelectionOptions parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.selection;
  }

  @Test
  void aGlobalTargetRoundsToTheMeasuredDefaultAndPerLayerRatesDoNot() {
    assertEquals(16, ChannelConstraints.GLOBAL_ROUND_TO);
    assertEquals(16, parse("--target-flops", "0.5").roundTo(), "the engine picks the counts");
    assertEquals(16, parse("--global-ratio", "0.4").roundTo());
    assertEquals(1, parse("--compress-rate", "[0.1]*19").roundTo(), "the user's rates, as written");
    assertEquals(1, parse("--target-flops", "0.5", "--round-to", "1").roundTo(), "as given");
    assertEquals(8, parse("--global-ratio", "0.4", "--round-to", "8").roundTo());
  }
}
