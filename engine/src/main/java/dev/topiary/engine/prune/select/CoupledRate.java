package dev.topiary.engine.prune.select;

import java.util.List;

/**
 * How one rate is chosen for a group whose channels several producers write (the convs feeding a
 * residual Add, a conv and the depthwise conv after it), when rates are given per producer. Only
 * producers that were given a rate take part.
 */
public enum CoupledRate {
  /**
   * The rate of the group's first producer in layer order: the conv that creates the channels
   * (a ResNet's stem for stage 1, a stage's first block conv2 for the channels its shortcut pads).
   */
  FIRST_PRODUCER,
  /** The largest rate among the producers. */
  MAXIMUM,
  /** The smallest rate among the producers: a channel goes only if every producer lets it go. */
  MINIMUM;

  /** The index, in {@code rates}, of the rate that decides. */
  int pick(List<Double> rates) {
    int best = 0;
    for (int i = 1; i < rates.size() && this != FIRST_PRODUCER; i++) {
      if (this == MAXIMUM ? rates.get(i) > rates.get(best) : rates.get(i) < rates.get(best)) {
        best = i;
      }
    }
    return best;
  }
}
