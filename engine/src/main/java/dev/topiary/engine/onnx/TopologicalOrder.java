package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.topiary.engine.InvalidModelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The nodes of an ONNX graph in an order where each reads only what is already computed. ONNX
 * requires files to be sorted, but a hand-edited or generated file may not be: the order is
 * computed (keeping the file's order wherever it is valid, so export and import round-trip), and a
 * dangling input or a cycle is refused naming the node.
 */
final class TopologicalOrder {
  private TopologicalOrder() {}

  static List<NodeProto> of(GraphProto g, Set<String> initializers) {
    Set<String> known = new HashSet<>(initializers);
    for (ValueInfoProto in : g.getInputList()) {
      known.add(in.getName());
    }
    Map<String, Integer> producer = new HashMap<>();
    List<NodeProto> nodes = g.getNodeList();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        if (!out.isEmpty() && (producer.put(out, i) != null || known.contains(out))) {
          throw new InvalidModelException("tensor '" + out + "' is produced twice (by node '" + name(nodes.get(i)) + "' and another)");
        }
      }
    }
    int[] pending = new int[nodes.size()];
    List<List<Integer>> readers = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      readers.add(new ArrayList<>());
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (String in : nodes.get(i).getInputList()) {
        if (in.isEmpty() || known.contains(in)) {
          continue;
        }
        Integer p = producer.get(in);
        if (p == null) {
          throw new InvalidModelException("node '" + name(nodes.get(i)) + "' (" + nodes.get(i).getOpType() + "): input '" + in
              + "' is not produced by any node, initializer or graph input (dangling input)");
        }
        pending[i]++;
        readers.get(p).add(i);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>(); // the file's order wherever it is valid
    for (int i = 0; i < nodes.size(); i++) {
      if (pending[i] == 0) {
        ready.add(i);
      }
    }
    List<NodeProto> order = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      order.add(nodes.get(i));
      for (int r : readers.get(i)) {
        if (--pending[r] == 0) {
          ready.add(r);
        }
      }
    }
    if (order.size() < nodes.size()) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < nodes.size() && stuck.size() < 5; i++) {
        if (pending[i] > 0) {
          stuck.add(name(nodes.get(i)));
        }
      }
      throw new InvalidModelException("the graph has a cycle through nodes " + String.join(", ", stuck));
    }
    return order;
  }

  private static String name(NodeProto n) {
    return n.getName().isEmpty() ? n.getOutput(0) : n.getName();
  }
}
