package dev.topiary.engine.prune;

import java.util.List;
import java.util.Map;

/**
 * Channels that must be removed together: a set of units, each unit being one channel (or, after a
 * Flatten, one block of features) in every member space. Removing unit u removes index
 * {@code members.get(s)[u]} (all of them) from space s, and the matching slices of every parameter
 * that reads or writes those indices.
 *
 * @param id stable index of the group in its {@link DependencyGraph}
 * @param units number of prunable units
 * @param indices for each member space (a node or input name), the indices of each unit in it:
 *     {@code indices.get(space)[unit]} is an ascending array (length 1 except after a Flatten)
 * @param producers nodes whose output channels are these units (Conv, Gemm; depthwise convs too)
 * @param consumers nodes whose input channels are these units (Conv with one group, Gemm)
 * @param normalizers BatchNormalization nodes whose channels are these units
 * @param blockedBy null when the group may be pruned, else why not (names the node)
 */
public record ChannelGroup(
    int id,
    int units,
    Map<String, int[][]> indices,
    List<String> producers,
    List<String> consumers,
    List<String> normalizers,
    String blockedBy) {

  /** Whether surgery may remove units of this group. */
  public boolean prunable() {
    return blockedBy == null;
  }

  /** The name the group goes by in reports and plans: its first producer, else its first space. */
  public String name() {
    return producers.isEmpty() ? indices.keySet().iterator().next() : producers.get(0);
  }

  /** The same group with a reason that blocks it. */
  ChannelGroup blocked(String reason) {
    return new ChannelGroup(id, units, indices, producers, consumers, normalizers, reason);
  }
}
