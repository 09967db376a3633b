package dev.topiary.engine.exec;

import dev.topiary.engine.InvalidModelException;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled once for execution: every value (graph input or node output) gets a slot, each
 * node the slots it reads and its kernel, and each slot the index of the last node that reads it,
 * so a forward pass can free a value as soon as nothing later needs it. Immutable.
 */
final class ExecutionPlan {
  private static final int NEVER = -1;

  private final Graph graph;
  private final Map<String, Integer> slots = new HashMap<>();
  private final int[][] inputSlots;
  private final OpKernel[] kernels;
  private final int[] lastUse;
  private final int[] outputSlots;

  ExecutionPlan(Graph graph) {
    this.graph = graph;
    List<GraphInput> inputs = graph.inputs();
    List<Node> nodes = graph.nodes();
    for (GraphInput in : inputs) {
      slots.put(in.name(), slots.size());
    }
    for (Node n : nodes) {
      slots.put(n.name(), slots.size());
    }
    inputSlots = new int[nodes.size()][];
    kernels = new OpKernel[nodes.size()];
    lastUse = new int[slots.size()];
    Arrays.fill(lastUse, NEVER);
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      kernels[i] = OpKernels.of(n.type());
      inputSlots[i] = n.inputs().stream().mapToInt(slots::get).toArray();
      for (int s : inputSlots[i]) {
        lastUse[s] = i;
      }
    }
    outputSlots = graph.outputs().stream().mapToInt(slots::get).toArray();
  }

  Graph graph() {
    return graph;
  }

  int slotCount() {
    return slots.size();
  }

  int inputCount() {
    return graph.inputs().size();
  }

  /** The slot of a node or graph input. */
  int slot(String name) {
    Integer s = slots.get(name);
    if (s == null) {
      throw new InvalidModelException("graph '" + graph.name() + "' has no node or input '" + name + "'");
    }
    return s;
  }

  /** Slot of node {@code i} (in {@link Graph#nodes()} order). */
  int nodeSlot(int i) {
    return inputCount() + i;
  }

  int[] inputSlots(int node) {
    return inputSlots[node];
  }

  OpKernel kernel(int node) {
    return kernels[node];
  }

  /** Whether node {@code node} is the last reader of {@code slot}. */
  boolean isLastUse(int slot, int node) {
    return lastUse[slot] == node;
  }

  /** Whether no node reads {@code slot} (a dead end, or a graph output only). */
  boolean isUnread(int slot) {
    return lastUse[slot] == NEVER;
  }

  int[] outputSlots() {
    return outputSlots;
  }
}
