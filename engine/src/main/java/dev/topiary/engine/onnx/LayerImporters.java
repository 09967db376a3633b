package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.AveragePool;
import dev.topiary.engine.graph.BatchNormalization;
import dev.topiary.engine.graph.Clip;
import dev.topiary.engine.graph.Conv;
import dev.topiary.engine.graph.Flatten;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.GlobalAveragePool;
import dev.topiary.engine.graph.Hw;
import dev.topiary.engine.graph.InstanceNormalization;
import dev.topiary.engine.graph.MaxPool;
import dev.topiary.engine.graph.Pad;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.Relu;
import java.util.List;
import java.util.Map;

/**
 * Importers of the ONNX ops that own weights or windows: Conv, the normalisations, Gemm and
 * MatMul, the pools, Clip. Each checks every attribute PyTorch's exporter writes and refuses the
 * values the IR cannot represent.
 */
final class LayerImporters {
  private LayerImporters() {}

  static void register(Map<String, NodeImporter> table) {
    table.put("Conv", LayerImporters::conv);
    table.put("BatchNormalization", LayerImporters::batchNorm);
    table.put("InstanceNormalization", LayerImporters::instanceNorm);
    table.put("Gemm", LayerImporters::gemm);
    table.put("MatMul", LayerImporters::matMul);
    table.put("MaxPool", LayerImporters::maxPool);
    table.put("AveragePool", LayerImporters::averagePool);
    table.put("GlobalAveragePool", n -> {
      n.allowAttributes();
      return List.of(OnnxNode.ref(n.add(new GlobalAveragePool(), n.map(0))));
    });
    table.put("Clip", LayerImporters::clip);
  }

  /** [top, left, bottom, right] from ONNX pads [x1_begin, x2_begin, x1_end, x2_end], or auto_pad. */
  private static int[] pads(OnnxNode n, Value.MapRef x, Hw kernel, Hw stride, Hw dilation) {
    String auto = n.s("auto_pad", "NOTSET");
    switch (auto) {
      case "NOTSET" -> {
        long[] p = n.ints("pads", new long[4]);
        if (p.length != 4) {
          throw n.unsupported("pads " + java.util.Arrays.toString(p) + ": only 2-d windows are supported");
        }
        return n.int32("pads", p);
      }
      case "VALID" -> {
        return new int[4];
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        int[] h = samePad(x.shape().height(), kernel.h(), stride.h(), dilation.h(), auto.equals("SAME_UPPER"));
        int[] w = samePad(x.shape().width(), kernel.w(), stride.w(), dilation.w(), auto.equals("SAME_UPPER"));
        return new int[] {h[0], w[0], h[1], w[1]};
      }
      default -> throw n.unsupported("auto_pad '" + auto + "' is not supported");
    }
  }

  private static int[] samePad(int in, int k, int s, int d, boolean upper) {
    int out = (in + s - 1) / s;
    int total = Math.max((out - 1) * s + (k - 1) * d + 1 - in, 0);
    int small = total / 2;
    return upper ? new int[] {small, total - small} : new int[] {total - small, small};
  }

  private static Hw hw(OnnxNode n, String attr, long dflt) {
    long[] v = n.ints(attr, new long[] {dflt, dflt});
    if (v.length != 2) {
      throw n.unsupported(attr + " " + java.util.Arrays.toString(v) + ": only 2-d windows are supported");
    }
    int[] q = n.int32(attr, v);
    return new Hw(q[0], q[1]);
  }

  private static List<Value> conv(OnnxNode n) {
    n.allowAttributes("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
    Value.MapRef x = n.map(0);
    Const w = n.constant(1);
    if (w.rank() != 4 || x.shape().rank() != 3) {
      throw n.unsupported("only 2-d convolutions are supported (weight shape " + java.util.Arrays.toString(w.dims()) + ")");
    }
    int[] wd = OnnxNode.intDims(w.dims());
    Hw kernel = new Hw(wd[2], wd[3]);
    if (n.has("kernel_shape") && !java.util.Arrays.equals(n.ints("kernel_shape", null), new long[] {wd[2], wd[3]})) {
      throw n.invalid("kernel_shape " + java.util.Arrays.toString(n.ints("kernel_shape", null)) + " does not match the weight's shape");
    }
    int groups = n.int32("group", n.i("group", 1))[0];
    if (wd[1] * groups != x.shape().channels()) {
      throw n.invalid("weight shape " + java.util.Arrays.toString(wd) + " with group " + groups + " does not fit " + x.shape().channels() + " input channels");
    }
    Hw stride = hw(n, "strides", 1);
    Hw dilation = hw(n, "dilations", 1);
    int[] p = pads(n, x, kernel, stride, dilation);
    Value.MapRef in = x;
    Hw padding = new Hw(p[0], p[1]);
    if (p[0] != p[2] || p[1] != p[3]) { // torch pads symmetrically: an asymmetric pad is a Pad first
      in = OnnxNode.ref(n.add(n.name() + "/pad", new Pad(p[0], p[1], p[2], p[3]), x));
      padding = new Hw(0, 0);
    }
    Const b = n.input(2) == null ? null : n.constant(2);
    IrDraft.Draft d = n.add(new Conv(wd[0], kernel, stride, padding, dilation, groups, b != null), in);
    OnnxNode.param(d, ParamRole.WEIGHT, wd, w.asFloats());
    if (b != null) {
      OnnxNode.param(d, ParamRole.BIAS, OnnxNode.intDims(b.dims()), b.asFloats());
    }
    return List.of(OnnxNode.ref(d));
  }

  private static List<Value> batchNorm(OnnxNode n) {
    n.allowAttributes("epsilon", "momentum", "spatial", "training_mode", "is_test", "consumed_inputs");
    if (n.i("training_mode", 0) != 0) {
      throw n.unsupported("training_mode 1 is not supported: export the model in eval mode");
    }
    if (n.i("spatial", 1) != 1) {
      throw n.unsupported("spatial 0 is not supported");
    }
    // ONNX weighs the old running value by momentum, PyTorch the new one; the attribute is a float32
    double momentum = Math.round((1 - n.f("momentum", 0.9)) * 1e6) / 1e6;
    double epsilon = Math.round(n.f("epsilon", 1e-5) * 1e12) / 1e12;
    IrDraft.Draft d = n.add(new BatchNormalization(epsilon, momentum), n.map(0));
    ParamRole[] roles = {ParamRole.GAMMA, ParamRole.BETA, ParamRole.RUNNING_MEAN, ParamRole.RUNNING_VAR};
    for (int i = 0; i < roles.length; i++) {
      Const c = n.constant(i + 1);
      OnnxNode.param(d, roles[i], OnnxNode.intDims(c.dims()), c.asFloats());
    }
    return List.of(OnnxNode.ref(d));
  }

  private static List<Value> instanceNorm(OnnxNode n) {
    n.allowAttributes("epsilon");
    IrDraft.Draft d = n.add(new InstanceNormalization(n.f("epsilon", 1e-5)), n.map(0));
    Const scale = n.constant(1);
    Const bias = n.constant(2);
    OnnxNode.param(d, ParamRole.GAMMA, OnnxNode.intDims(scale.dims()), scale.asFloats());
    OnnxNode.param(d, ParamRole.BETA, OnnxNode.intDims(bias.dims()), bias.asFloats());
    return List.of(OnnxNode.ref(d));
  }

  private static List<Value> gemm(OnnxNode n) {
    n.allowAttributes("alpha", "beta", "transA", "transB");
    if (n.i("transA", 0) != 0) {
      throw n.unsupported("transA 1 is not supported (the batch must lead)");
    }
    Value.MapRef a = n.map(0);
    Const b = n.constant(1);
    float[] weight = linearWeight(n, a, b, n.i("transB", 0) != 0, (float) n.f("alpha", 1));
    int out = (int) (n.i("transB", 0) != 0 ? b.dims()[0] : b.dims()[1]);
    float[] bias = null;
    if (n.input(2) != null) {
      Const c = n.constant(2);
      float beta = (float) n.f("beta", 1);
      bias = new float[out];
      if (c.size() != 1 && c.size() != out) {
        throw n.unsupported("bias of shape " + java.util.Arrays.toString(c.dims()) + " is not per output feature");
      }
      for (int i = 0; i < out; i++) {
        bias[i] = beta * (float) c.get(c.size() == 1 ? 0 : i);
      }
    }
    return List.of(OnnxNode.ref(linear(n, a, out, weight, bias)));
  }

  /** MatMul of features [N, F] by a constant [F, M] is a Gemm without bias; a following Add becomes its bias (see OnnxRewrites). */
  private static List<Value> matMul(OnnxNode n) {
    n.allowAttributes();
    Value.MapRef a = n.map(0);
    Const b = n.constant(1);
    float[] weight = linearWeight(n, a, b, false, 1f);
    return List.of(OnnxNode.ref(linear(n, a, (int) b.dims()[1], weight, null)));
  }

  /** The IR weight [M, F] from B ([F, M], or [M, F] when transposed), scaled by alpha. */
  private static float[] linearWeight(OnnxNode n, Value.MapRef a, Const b, boolean transposed, float alpha) {
    if (a.shape().rank() != 1 || b.rank() != 2) {
      throw n.unsupported("only [N, F] features times a 2-d constant are supported (input " + a.shape() + ", weight " + java.util.Arrays.toString(b.dims()) + ")");
    }
    int rows = (int) b.dims()[0];
    int cols = (int) b.dims()[1];
    int in = transposed ? cols : rows;
    if (in != a.shape().channels()) {
      throw n.invalid("weight shape " + java.util.Arrays.toString(b.dims()) + " does not fit " + a.shape().channels() + " input features");
    }
    float[] src = b.asFloats();
    float[] w = new float[src.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        float v = alpha * src[r * cols + c];
        if (transposed) {
          w[r * cols + c] = v;
        } else {
          w[c * rows + r] = v;
        }
      }
    }
    return w;
  }

  private static IrDraft.Draft linear(OnnxNode n, Value.MapRef a, int out, float[] weight, float[] bias) {
    IrDraft.Draft d = n.add(new Gemm(out, bias != null), a);
    OnnxNode.param(d, ParamRole.WEIGHT, new int[] {out, a.shape().channels()}, weight);
    if (bias != null) {
      OnnxNode.param(d, ParamRole.BIAS, new int[] {out}, bias);
    }
    return d;
  }

  private static Hw symmetricPool(OnnxNode n, Value.MapRef x, Hw kernel, Hw stride) {
    int[] p = pads(n, x, kernel, stride, new Hw(1, 1));
    if (p[0] != p[2] || p[1] != p[3]) {
      throw n.unsupported("asymmetric pads " + java.util.Arrays.toString(p) + " are not supported for pooling");
    }
    return new Hw(p[0], p[1]);
  }

  private static List<Value> maxPool(OnnxNode n) {
    n.allowAttributes("kernel_shape", "strides", "pads", "ceil_mode", "dilations", "storage_order", "auto_pad");
    if (!java.util.Arrays.equals(n.ints("dilations", new long[] {1, 1}), new long[] {1, 1}) || n.i("storage_order", 0) != 0) {
      throw n.unsupported("dilations other than 1 and storage_order 1 are not supported");
    }
    if (n.proto.getOutputCount() > 1 && !n.proto.getOutput(1).isEmpty()) {
      throw n.unsupported("the Indices output is not supported");
    }
    Value.MapRef x = n.map(0);
    Hw kernel = hw(n, "kernel_shape", 0);
    Hw stride = hw(n, "strides", 1);
    Hw pad = symmetricPool(n, x, kernel, stride);
    return List.of(OnnxNode.ref(n.add(new MaxPool(kernel, stride, pad, n.i("ceil_mode", 0) != 0), x)));
  }

  private static List<Value> averagePool(OnnxNode n) {
    n.allowAttributes("kernel_shape", "strides", "pads", "ceil_mode", "count_include_pad", "auto_pad");
    Value.MapRef x = n.map(0);
    Hw kernel = hw(n, "kernel_shape", 0);
    Hw stride = hw(n, "strides", 1);
    Hw pad = symmetricPool(n, x, kernel, stride);
    return List.of(OnnxNode.ref(n.add(
        new AveragePool(kernel, stride, pad, n.i("ceil_mode", 0) != 0, n.i("count_include_pad", 0) != 0), x)));
  }

  /** Bounds as attributes before opset 11, as optional constant inputs from 11; Clip(0, inf) is a Relu. */
  private static List<Value> clip(OnnxNode n) {
    n.allowAttributes("min", "max");
    double min;
    double max;
    if (n.opset < 11) {
      min = n.f("min", Double.NEGATIVE_INFINITY);
      max = n.f("max", Double.POSITIVE_INFINITY);
    } else {
      min = n.input(1) == null ? Double.NEGATIVE_INFINITY : n.constant(1).scalar("Clip's min");
      max = n.input(2) == null ? Double.POSITIVE_INFINITY : n.constant(2).scalar("Clip's max");
    }
    if (min == 0 && max == Double.POSITIVE_INFINITY) {
      return List.of(OnnxNode.ref(n.add(new Relu(), n.map(0))));
    }
    return List.of(OnnxNode.ref(n.add(new Clip(min, max), n.map(0))));
  }

  /** Flatten from axis 1 (the only axis that keeps the batch). */
  static List<Value> flatten(OnnxNode n) {
    n.allowAttributes("axis");
    Value.MapRef x = n.map(0);
    long axis = n.i("axis", 1);
    if (axis < 0) {
      axis += x.onnxRank();
    }
    if (axis != 1) {
      throw n.unsupported("axis " + n.i("axis", 1) + " is not supported (only 1, which keeps the batch)");
    }
    return List.of(x.shape().rank() == 1 ? x : OnnxNode.ref(n.add(new Flatten(), x)));
  }
}
