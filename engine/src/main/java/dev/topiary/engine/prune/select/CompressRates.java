package dev.topiary.engine.prune.select;

import dev.topiary.engine.InvalidPruningConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses HRank's {@code --compress_rate} expressions into one rate per conv, e.g.
 * {@code [0.1]+[0.60]*35+[0.0]*2+[0.6]*6+[0.4]*3+[0.1]+[0.4]} : terms joined by {@code +}, each a
 * bracketed rate with an optional repeat count {@code *n}. A bracket may also hold a comma-separated
 * list, {@code [0.1,0.2]*2} being 0.1, 0.2, 0.1, 0.2 (HRank's own regex parser takes one rate per
 * bracket). Whitespace is ignored. Each rate is the fraction of a conv's filters removed and must lie
 * in {@code [0, 1)}. Rates are parsed as Python's {@code float()} would, so that counts computed
 * from them match HRank's. Digits are ASCII only, and an expression expands to at most {@value
 * #MAX_RATES} rates (far more convs than any network has), checked before expanding: a short
 * expression such as {@code [0.1]*99999+[0.1]*99999+...} must not fill the memory.
 */
public final class CompressRates {
  /** The most rates an expression may expand to. */
  public static final int MAX_RATES = 100_000;

  private final String text;
  private int pos;

  private CompressRates(String text) {
    this.text = text;
  }

  /**
   * The rates of an expression, expanded.
   *
   * @throws InvalidPruningConfigException on bad syntax (pointing at the character) or a rate
   *     outside [0, 1)
   */
  public static List<Double> parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new InvalidPruningConfigException("compress rate expression is empty: expected terms like [0.5] or [0.5]*3 joined by '+'");
    }
    return new CompressRates(expression).expression();
  }

  /** Checks rates given as a list: each must lie in [0, 1). */
  public static List<Double> check(List<Double> rates) {
    for (int i = 0; i < rates.size(); i++) {
      Double r = rates.get(i);
      if (r == null || !(r >= 0 && r < 1)) {
        throw new InvalidPruningConfigException("compress rate #" + i + " is " + r + ": rates are the fraction of filters removed, in [0, 1)");
      }
    }
    return List.copyOf(rates);
  }

  private List<Double> expression() {
    List<Double> rates = new ArrayList<>();
    term(rates);
    skipSpace();
    while (pos < text.length()) {
      expect('+', "'+' between terms");
      term(rates);
      skipSpace();
    }
    return List.copyOf(rates);
  }

  private void term(List<Double> out) {
    skipSpace();
    int start = pos;
    expect('[', "a bracketed rate like [0.5]");
    List<Double> group = new ArrayList<>();
    group.add(rate());
    skipSpace();
    while (peek() == ',') {
      pos++;
      group.add(rate());
      skipSpace();
    }
    expect(']', "',' or ']' after a rate");
    skipSpace();
    int times = 1;
    if (peek() == '*') {
      pos++;
      skipSpace();
      int count = pos;
      while (isDigit(peek())) {
        pos++;
      }
      if (count == pos) {
        throw syntax("a repeat count after '*'");
      }
      times = parseCount(count);
    }
    if ((long) times * group.size() > MAX_RATES - out.size()) {
      pos = start;
      throw new InvalidPruningConfigException("compress rate expression expands to more than " + MAX_RATES
          + " rates with the term at character " + (start + 1) + ": one rate per conv is expected\n" + pointer());
    }
    for (int i = 0; i < times; i++) {
      out.addAll(group);
    }
  }

  private int parseCount(int start) {
    String digits = text.substring(start, pos);
    int times;
    try {
      times = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      times = -1;
    }
    if (times < 1 || times > 100_000) {
      pos = start;
      throw syntax("a repeat count between 1 and 100000, not " + digits);
    }
    return times;
  }

  private double rate() {
    skipSpace();
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    int digits = 0;
    while (isDigit(peek())) {
      pos++;
      digits++;
    }
    if (peek() == '.') {
      pos++;
      while (isDigit(peek())) {
        pos++;
        digits++;
      }
    }
    if (digits == 0) {
      pos = start;
      throw syntax("a rate (a number such as 0.5)");
    }
    String number = text.substring(start, pos);
    double r = Double.parseDouble(number);
    if (!(r >= 0 && r < 1)) {
      pos = start;
      throw new InvalidPruningConfigException("compress rate " + number + " at character " + (start + 1)
          + " is outside [0, 1): a rate is the fraction of a conv's filters removed\n" + pointer());
    }
    return r;
  }

  private void expect(char c, String what) {
    if (peek() != c) {
      throw syntax(what);
    }
    pos++;
  }

  /** ASCII digits only: {@link Character#isDigit} takes other scripts' digits, which {@code Double.parseDouble} refuses. */
  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private InvalidPruningConfigException syntax(String expected) {
    String found = pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end";
    return new InvalidPruningConfigException("bad compress rate expression at character " + (pos + 1)
        + ": expected " + expected + ", found " + found + "\n" + pointer());
  }

  private String pointer() {
    return "  " + text + "\n  " + " ".repeat(pos) + "^";
  }
}
