package dev.topiary.engine.prune.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.topiary.engine.InvalidPruningConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompressRatesTest {
  static final String RESNET_56 = "[0.1]+[0.60]*35+[0.0]*2+[0.6]*6+[0.4]*3+[0.1]+[0.4]+[0.1]+[0.4]+[0.1]+[0.4]+[0.1]+[0.4]";

  @Test
  void expandsHRanksResNet56ExpressionToOneRatePerConv() {
    List<Double> r = CompressRates.parse(RESNET_56);
    assertEquals(55, r.size());
    assertEquals(0.1, r.get(0)); // conv1
    assertEquals(0.6, r.get(1)); // layer1.0.conv1
    assertEquals(0.6, r.get(35));
    assertEquals(0.0, r.get(36)); // layer2.8.conv2
    assertEquals(0.0, r.get(37)); // layer3.0.conv1
    assertEquals(0.6, r.get(43));
    assertEquals(0.4, r.get(44));
    assertEquals(0.4, r.get(46));
    assertEquals(0.1, r.get(47));
    assertEquals(0.4, r.get(48));
    assertEquals(0.1, r.get(53));
    assertEquals(0.4, r.get(54)); // layer3.8.conv2
  }

  @Test
  void repeatsTermsAndListsToleratingWhitespace() {
    assertEquals(List.of(0.1, 0.1, 0.1), CompressRates.parse("[0.1]*3"));
    assertEquals(List.of(0.1, 0.2, 0.1, 0.2, 0.3, 0.0), CompressRates.parse(" [0.1, 0.2] * 2 +\n[0.3]+[0]"));
    assertEquals(List.of(0.95, 0.5, 0.5), CompressRates.parse("[0.95]+[0.5]*2"));
    assertEquals(List.of(0.5), CompressRates.parse("[.5]"));
  }

  @Test
  void rejectsRatesOutsideZeroToOne() {
    var one = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[0.1]+[1.0]"));
    assertTrue(one.getMessage().startsWith("compress rate 1.0 at character 8 is outside [0, 1)"), one.getMessage());
    var negative = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[-0.1]"));
    assertTrue(negative.getMessage().contains("compress rate -0.1 at character 2 is outside [0, 1)"), negative.getMessage());
    var list = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.check(List.of(0.2, 1.0)));
    assertTrue(list.getMessage().contains("#1 is 1.0"), list.getMessage());
  }

  @Test
  void takesAsciiDigitsOnly() {
    // found by the gateway's fuzz: full-width and Arabic-Indic digits are digits to Character.isDigit, so the
    // rate reached Double.parseDouble (a NumberFormatException, a 500) and a count was parsed (a job accepted)
    for (String expression : List.of("[\uff10.\uff15]*2", "[\u0660.\u0665]*2", "[0.5]*\u0662")) {
      var e = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse(expression), expression);
      assertTrue(e.getMessage().startsWith("bad compress rate expression at character"), e.getMessage());
    }
  }

  @Test
  void refusesAnExpressionExpandingPastMaxRatesBeforeExpandingIt() {
    // found by the gateway's fuzz: 18 KB of "[0.1]*99999+" expanded to 158 million boxed rates and stalled the gateway
    String bomb = "[0.1]*99999+".repeat(1_500) + "[0.1]";
    var e = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse(bomb));
    assertTrue(e.getMessage().startsWith("compress rate expression expands to more than 100000 rates with the term at character 13"), e.getMessage());
    var list = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[" + "0.1,".repeat(999) + "0.1]*101"));
    assertTrue(list.getMessage().contains("more than 100000 rates"), list.getMessage());
    assertEquals(CompressRates.MAX_RATES, CompressRates.parse("[0.1]*50000+[0.2,0.3]*25000").size(), "the limit itself is taken");
  }

  @Test
  void pointsAtTheCharacterOfASyntaxError() {
    var e = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[0.1]+*2"));
    assertEquals("bad compress rate expression at character 7: expected a bracketed rate like [0.5], found '*'\n"
        + "  [0.1]+*2\n"
        + "        ^", e.getMessage());
    var count = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[0.1]*"));
    assertTrue(count.getMessage().contains("expected a repeat count after '*', found the end"), count.getMessage());
    var empty = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse(" "));
    assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
  }

  @Test
  void rejectsUnbalancedBrackets() {
    var open = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[0.1]+[0.2"));
    assertTrue(open.getMessage().contains("character 11: expected ',' or ']' after a rate, found the end"), open.getMessage());
    var close = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[0.1]]"));
    assertTrue(close.getMessage().contains("character 6: expected '+' between terms, found ']'"), close.getMessage());
    var bare = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("0.1]"));
    assertTrue(bare.getMessage().contains("character 1: expected a bracketed rate"), bare.getMessage());
    var nested = assertThrows(InvalidPruningConfigException.class, () -> CompressRates.parse("[[0.1]]"));
    assertTrue(nested.getMessage().contains("character 2: expected a rate"), nested.getMessage());
  }
}
