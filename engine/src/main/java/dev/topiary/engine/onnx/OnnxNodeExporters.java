package dev.topiary.engine.onnx;

import static dev.topiary.engine.onnx.OnnxEmitter.integer;
import static dev.topiary.engine.onnx.OnnxEmitter.ints;
import static dev.topiary.engine.onnx.OnnxEmitter.real;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.topiary.engine.UnsupportedOperatorException;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.LeakyRelu;
import dev.topiary.engine.graph.Node;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamRole;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The exporter of every IR op type: one table, as the pruner's, and an op type missing from it is
 * refused by name. This class holds the table and the ops that compute (convolution, normalisation,
 * activations, arithmetic); {@link OnnxPoolExporters} the pooling, {@link OnnxShapeExporters} the ops
 * that move, pad or resize data, and the softmaxes whose axis semantics changed with opset 13.
 *
 * <p>Inference export: a {@code Dropout} is written as {@code Identity} (what it computes in eval
 * mode), which spares the opset-12 change of Dropout's ratio from attribute to input and leaves
 * nothing for a runtime to strip.
 */
final class OnnxNodeExporters {
  private static final Map<OpType, NodeExporter> TABLE = table();

  private OnnxNodeExporters() {}

  /** The exporter of an op type. */
  static NodeExporter of(OpType type) {
    NodeExporter e = TABLE.get(type);
    if (e == null) {
      throw new UnsupportedOperatorException("op " + type.jsonName() + " has no ONNX exporter");
    }
    return e;
  }

  private static Map<OpType, NodeExporter> table() {
    Map<OpType, NodeExporter> m = new EnumMap<>(OpType.class);
    m.put(OpType.CONV, OnnxNodeExporters::conv);
    m.put(OpType.BATCH_NORMALIZATION, OnnxNodeExporters::batchNorm);
    m.put(OpType.INSTANCE_NORMALIZATION, OnnxNodeExporters::instanceNorm);
    m.put(OpType.GEMM, OnnxNodeExporters::gemm);
    m.put(OpType.RELU, same("Relu"));
    m.put(OpType.CLIP, OnnxNodeExporters::clip);
    m.put(OpType.LEAKY_RELU, (n, out) -> out.node("LeakyRelu", n.inputs(), n.name())
        .addAttribute(real("alpha", ((LeakyRelu) n.op()).alpha())));
    m.put(OpType.SIGMOID, same("Sigmoid"));
    m.put(OpType.SILU, OnnxNodeExporters::silu);
    m.put(OpType.HARD_SIGMOID, (n, out) -> hardSigmoid(out, (HardSigmoid) n.op(), n.inputs().get(0), n.name()));
    m.put(OpType.HARD_SWISH, OnnxNodeExporters::hardSwish);
    m.put(OpType.MAX_POOL, OnnxPoolExporters::maxPool);
    m.put(OpType.AVERAGE_POOL, OnnxPoolExporters::averagePool);
    m.put(OpType.GLOBAL_AVERAGE_POOL, same("GlobalAveragePool"));
    m.put(OpType.ADD, OnnxNodeExporters::add);
    m.put(OpType.MUL, same("Mul"));
    m.put(OpType.SUB, same("Sub"));
    m.put(OpType.DIV, same("Div"));
    m.put(OpType.DROPOUT, OnnxNodeExporters::dropout);
    m.put(OpType.IDENTITY, same("Identity"));
    // the value is an initializer named <node>.value like every parameter; readers read the node's name
    m.put(OpType.CONSTANT, (n, out) -> out.node("Identity", List.of(out.param(n, ParamRole.VALUE)), n.name()));
    OnnxShapeExporters.register(m);
    return m;
  }

  /** The ONNX op of that name on the node's inputs, without attributes (the broadcasting arithmetic, activations). */
  private static NodeExporter same(String onnxOp) {
    return (n, out) -> out.node(onnxOp, n.inputs(), n.name());
  }

  /**
   * A Dropout stays a Dropout (its ratio kept, so the model re-imports as it was); ONNX Runtime
   * runs it as the identity in inference.
   */
  private static void dropout(Node n, OnnxEmitter out) {
    float ratio = (float) ((dev.topiary.engine.graph.Dropout) n.op()).ratio();
    if (out.opset() < 12) {
      out.node("Dropout", n.inputs(), n.name()).addAttribute(OnnxEmitter.real("ratio", ratio));
    } else {
      out.node("Dropout", List.of(n.inputs().get(0), out.floats(n.name() + "/ratio", new int[0], ratio)), n.name());
    }
  }

  private static void conv(Node n, OnnxEmitter out) {
    Conv c = (Conv) n.op();
    List<String> in = new ArrayList<>(List.of(n.inputs().get(0), out.param(n, ParamRole.WEIGHT)));
    if (c.bias()) {
      in.add(out.param(n, ParamRole.BIAS));
    }
    out.node("Conv", in, n.name())
        .addAttribute(ints("kernel_shape", c.kernel().h(), c.kernel().w()))
        .addAttribute(ints("strides", c.stride().h(), c.stride().w()))
        .addAttribute(pads(c.padding()))
        .addAttribute(ints("dilations", c.dilation().h(), c.dilation().w()))
        .addAttribute(integer("group", c.groups()));
  }

  /** ONNX's pads: begin of each spatial axis, then end; the IR pads both ends alike. */
  static AttributeProto pads(Hw p) {
    return ints("pads", p.h(), p.w(), p.h(), p.w());
  }

  /** ONNX's momentum weighs the old running value, PyTorch's (the IR's) the batch's. */
  private static void batchNorm(Node n, OnnxEmitter out) {
    BatchNormalization bn = (BatchNormalization) n.op();
    List<String> in = List.of(n.inputs().get(0), out.param(n, ParamRole.GAMMA), out.param(n, ParamRole.BETA),
        out.param(n, ParamRole.RUNNING_MEAN), out.param(n, ParamRole.RUNNING_VAR));
    out.node("BatchNormalization", in, n.name())
        .addAttribute(real("epsilon", bn.epsilon()))
        .addAttribute(real("momentum", 1 - bn.momentum()));
  }

  private static void instanceNorm(Node n, OnnxEmitter out) {
    List<String> in = List.of(n.inputs().get(0), out.param(n, ParamRole.GAMMA), out.param(n, ParamRole.BETA));
    out.node("InstanceNormalization", in, n.name())
        .addAttribute(real("epsilon", ((InstanceNormalization) n.op()).epsilon()));
  }

  /** torch.nn.Linear: y = x W^T + b, so W goes in as stored with transB. */
  private static void gemm(Node n, OnnxEmitter out) {
    List<String> in = new ArrayList<>(List.of(n.inputs().get(0), out.param(n, ParamRole.WEIGHT)));
    if (((Gemm) n.op()).bias()) {
      in.add(out.param(n, ParamRole.BIAS));
    }
    out.node("Gemm", in, n.name()).addAttribute(integer("transB", 1));
  }

  /** Opset 11 moved the bounds to (optional) inputs: an infinite bound is left out with an empty name. */
  private static void clip(Node n, OnnxEmitter out) {
    Clip c = (Clip) n.op();
    List<String> in = new ArrayList<>(List.of(n.inputs().get(0), "", ""));
    if (Double.isFinite(c.min())) {
      in.set(1, out.floats(n.name() + "/min", new int[0], (float) c.min()));
    }
    if (Double.isFinite(c.max())) {
      in.set(2, out.floats(n.name() + "/max", new int[0], (float) c.max()));
    }
    while (in.get(in.size() - 1).isEmpty()) {
      in.remove(in.size() - 1); // trailing optional inputs are simply absent
    }
    out.node("Clip", in, n.name());
  }

  /** x * sigmoid(x), PyTorch's own export of SiLU. */
  private static void silu(Node n, OnnxEmitter out) {
    String x = n.inputs().get(0);
    String gate = out.fresh(n.name() + "/sigmoid");
    out.node("Sigmoid", List.of(x), gate);
    out.node("Mul", List.of(x, gate), n.name());
  }

  private static void hardSigmoid(OnnxEmitter out, HardSigmoid op, String x, String output) {
    out.node("HardSigmoid", List.of(x), output)
        .addAttribute(real("alpha", op.alpha()))
        .addAttribute(real("beta", op.beta()));
  }

  /** Native from opset 14; before, x * hardsigmoid(x) with torch's 1/6 and 0.5, which is x * relu6(x + 3) / 6. */
  private static void hardSwish(Node n, OnnxEmitter out) {
    String x = n.inputs().get(0);
    if (out.opset() >= 14) {
      out.node("HardSwish", List.of(x), n.name());
      return;
    }
    String gate = out.fresh(n.name() + "/hardsigmoid");
    hardSigmoid(out, HardSigmoid.torch(), x, gate);
    out.node("Mul", List.of(x, gate), n.name());
  }

  /** Two inputs: Add; more: a left-to-right chain of Adds, the order the DJL kernel sums in. */
  private static void add(Node n, OnnxEmitter out) {
    List<String> in = n.inputs();
    String sum = in.get(0);
    for (int i = 1; i < in.size(); i++) {
      String target = i == in.size() - 1 ? n.name() : out.fresh(n.name() + "/sum" + i);
      out.node("Add", List.of(sum, in.get(i)), target);
      sum = target;
    }
  }
}
