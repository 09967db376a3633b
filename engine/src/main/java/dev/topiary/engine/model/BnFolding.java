package dev.topiary.engine.model;

import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Graph;
import dev.topiary.engine.graph.GraphBuilder;
import dev.topiary.engine.graph.GraphInput;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamKey;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.weights.Tensor;
import dev.topiary.engine.weights.Weights;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds each inference-mode batch normalization into the convolution that feeds it, for export and
 * inference: a BN whose input is a Conv read by that BN alone becomes part of the Conv, with
 * {@code w' = w * s} per output channel and {@code b' = (b - mean) * s + beta}, where {@code s =
 * gamma / sqrt(var + eps)}; the Conv gets a bias. Readers of the BN read the fused Conv.
 *
 * <p>The fused node keeps the Conv's name, except where the BN is a graph output: it then takes the
 * BN's name, so that the output names deployment code uses survive. Every other node, weight and
 * the pruning history are kept as they are (the history replays on the unfolded model it came
 * from). The result computes the same function in eval mode within float32 rounding, but is no
 * longer trainable as before (the batch statistics are gone). Stateless.
 */
public final class BnFolding {
  private BnFolding() {}

  /** The model with every foldable BN folded; the given model is not changed. */
  public static Model fold(Model model) {
    Graph g = model.graph();
    Map<String, String> fusedName = foldable(g);
    if (fusedName.isEmpty()) {
      return model;
    }
    Map<String, String> renamed = new HashMap<>(); // BN name -> fused node name, for the BN's readers
    Map<String, Node> bnOfConv = new HashMap<>();
    fusedName.forEach((conv, fused) -> {
      Node bn = g.node(g.consumers(conv).get(0));
      renamed.put(bn.name(), fused);
      bnOfConv.put(conv, bn);
    });
    GraphBuilder b = Graph.builder(g.name());
    g.metadata().forEach(b::metadata);
    for (GraphInput in : g.inputs()) {
      b.input(in.name(), in.shape().toArray());
    }
    Weights w = new Weights();
    for (Node n : g.nodes()) {
      if (renamed.containsKey(n.name())) {
        continue; // a folded BN
      }
      String[] from = n.inputs().stream().map(i -> renamed.getOrDefault(i, i)).toArray(String[]::new);
      Node bn = bnOfConv.get(n.name());
      if (bn == null) {
        b.add(n.name(), n.op(), from);
        copyParams(model.weights(), n, w);
      } else {
        String name = fusedName.get(n.name());
        b.add(name, ((Conv) n.op()).withBias(true), from);
        foldWeights(model.weights(), n, bn, name, w);
      }
    }
    g.outputs().forEach(o -> b.output(renamed.getOrDefault(o, o)));
    return new Model(b.build(), w, model.history());
  }

  /**
   * The convs whose BN folds, each with the name its fused node takes: a Conv that is not a graph
   * output, read only by a BN.
   */
  static Map<String, String> foldable(Graph g) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Node n : g.nodes()) {
      if (n.type() != OpType.CONV || g.outputs().contains(n.name()) || g.consumers(n.name()).size() != 1) {
        continue;
      }
      Node reader = g.node(g.consumers(n.name()).get(0));
      if (reader.type() == OpType.BATCH_NORMALIZATION) {
        out.put(n.name(), g.outputs().contains(reader.name()) ? reader.name() : n.name());
      }
    }
    return out;
  }

  private static void copyParams(Weights from, Node n, Weights to) {
    for (ParamRole role : ParamRole.values()) {
      ParamKey key = new ParamKey(n.name(), role);
      if (from.contains(key)) {
        to.put(key, from.get(key).copy());
      }
    }
  }

  /** Scales each output channel's filter and shifts its bias, in double precision. */
  private static void foldWeights(Weights from, Node conv, Node bn, String name, Weights to) {
    double eps = ((BatchNormalization) bn.op()).epsilon();
    float[] gamma = from.get(new ParamKey(bn.name(), ParamRole.GAMMA)).data();
    float[] beta = from.get(new ParamKey(bn.name(), ParamRole.BETA)).data();
    float[] mean = from.get(new ParamKey(bn.name(), ParamRole.RUNNING_MEAN)).data();
    float[] variance = from.get(new ParamKey(bn.name(), ParamRole.RUNNING_VAR)).data();
    Tensor weight = from.get(new ParamKey(conv.name(), ParamRole.WEIGHT));
    ParamKey biasKey = new ParamKey(conv.name(), ParamRole.BIAS);
    float[] bias = from.contains(biasKey) ? from.get(biasKey).data() : new float[gamma.length];
    float[] w = weight.data().clone();
    float[] b = new float[gamma.length];
    int perChannel = w.length / gamma.length;
    for (int o = 0; o < gamma.length; o++) {
      double s = gamma[o] / Math.sqrt(variance[o] + eps);
      for (int i = o * perChannel; i < (o + 1) * perChannel; i++) {
        w[i] = (float) (w[i] * s);
      }
      b[o] = (float) ((bias[o] - mean[o]) * s + beta[o]);
    }
    to.put(new ParamKey(name, ParamRole.WEIGHT), new Tensor(weight.shape(), w));
    to.put(new ParamKey(name, ParamRole.BIAS), new Tensor(new int[] {b.length}, b));
  }
}
