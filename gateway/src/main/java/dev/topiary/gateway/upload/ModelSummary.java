package dev.topiary.gateway.upload;

import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.OpType;
import java.util.List;

/**
 * What a model's graph says about how it is fed and what it answers, as the ONNX upload reports it
 * and the submission checks it against the dataset. Immutable.
 *
 * @param inputName the graph input's name (the ONNX file's)
 * @param inputShape the per-sample input shape, {@code [C, H, W]} for an image model
 * @param outputs each graph output's name and per-sample shape
 * @param classes the width of the only output when it is a vector (a classifier's logits); null otherwise
 * @param params learnable parameters ({@code Graph.parameterCount()})
 * @param macs multiply-accumulates per image ({@code Graph.macs()})
 * @param batchNorm whether the graph has BatchNormalization nodes (bn-scale and slimming need them)
 */
public record ModelSummary(String inputName, List<Integer> inputShape, List<Output> outputs, Integer classes, long params, long macs,
    boolean batchNorm) {

  /** One graph output. */
  public record Output(String name, List<Integer> shape) {}

  public static ModelSummary of(Graph graph) {
    GraphInput in = graph.inputs().get(0);
    List<Output> outputs = graph.outputs().stream().map(o -> new Output(o, ints(graph.shape(o).toArray()))).toList();
    Integer classes = outputs.size() == 1 && outputs.get(0).shape().size() == 1 ? outputs.get(0).shape().get(0) : null;
    boolean bn = graph.nodes().stream().anyMatch(n -> n.type() == OpType.BATCH_NORMALIZATION);
    return new ModelSummary(in.name(), ints(in.shape().toArray()), outputs, classes, graph.parameterCount(), graph.macs(), bn);
  }

  private static List<Integer> ints(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
