package dev.topiary.engine.exec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of {@link GraphBlock#forwardCapture}: the graph outputs and the outputs of the
 * requested nodes, all from one forward pass. The arrays belong to the input's manager; an array
 * may appear both here and among the outputs (or twice, for nodes that pass their input through).
 */
public record CapturedForward(NDList outputs, Map<String, NDArray> captured) {
  public CapturedForward {
    captured = Collections.unmodifiableMap(new LinkedHashMap<>(captured)); // keeps the caller's order
  }

  /** The captured output of one node. */
  public NDArray get(String node) {
    NDArray a = captured.get(node);
    if (a == null) {
      throw new IllegalArgumentException("node '" + node + "' was not captured; captured: " + captured.keySet());
    }
    return a;
  }
}
