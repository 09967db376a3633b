package dev.topiary.engine.prune.select;

/**
 * Options every selector's builder shares: the {@link ChannelConstraints}.
 *
 * @param <B> the concrete builder, returned for chaining
 */
public abstract class SelectorBuilder<B extends SelectorBuilder<B>> {
  private int roundTo = 1;
  private int minChannels = 1;
  private double maxPruningRatio = 1.0;

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

  /** The largest fraction of a group's units removed, in (0, 1] (default 1: no cap). */
  public B optMaxPruningRatio(double ratio) {
    this.maxPruningRatio = ratio;
    return self();
  }

  /** All constraints at once. */
  public B optConstraints(ChannelConstraints c) {
    this.roundTo = c.roundTo();
    this.minChannels = c.minChannels();
    this.maxPruningRatio = c.maxPruningRatio();
    return self();
  }

  /** @throws IllegalArgumentException naming the field that is out of range */
  void validateConstraints() {
    constraints(); // ChannelConstraints checks each field and names it
  }

  ChannelConstraints constraints() {
    return new ChannelConstraints(roundTo, minChannels, maxPruningRatio);
  }

  abstract B self();
}
