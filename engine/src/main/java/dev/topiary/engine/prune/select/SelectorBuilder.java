package dev.topiary.engine.prune.select;

/**
 * Options every selector's builder shares: the {@link ChannelConstraints}.
 *
 * @param <B> the concrete builder, returned for chaining
 */
public abstract class SelectorBuilder<B extends SelectorBuilder<B>> {
  private int roundTo = 1;
  private int minChannels = 1;

  SelectorBuilder() {}

  /** Rounds each kept count to a multiple of this (default 1: no rounding). */
  public B optRoundTo(int multiple) {
    this.roundTo = multiple;
    return self();
  }

  /** The fewest channels a group keeps (default 1). */
  public B optMinChannels(int channels) {
    this.minChannels = channels;
    return self();
  }

  /** Both constraints at once. */
  public B optConstraints(ChannelConstraints c) {
    this.roundTo = c.roundTo();
    this.minChannels = c.minChannels();
    return self();
  }

  /** @throws IllegalArgumentException naming the field that is out of range */
  void validateConstraints() {
    if (roundTo < 1) {
      throw new IllegalArgumentException("roundTo must be at least 1, got " + roundTo);
    }
    if (minChannels < 1) {
      throw new IllegalArgumentException("minChannels must be at least 1, got " + minChannels);
    }
  }

  ChannelConstraints constraints() {
    return new ChannelConstraints(roundTo, minChannels);
  }

  abstract B self();
}
