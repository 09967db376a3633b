package dev.topiary.engine.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Folds the ops whose inputs are all known at import: the Shape / Gather / Unsqueeze / Concat /
 * Reshape chains that PyTorch writes for {@code x.view(x.size(0), -1)}, Constant nodes, casts and
 * the integer arithmetic of interpolation sizes. Shape is the one op that reads a feature map: its
 * value is the map's shape, with the batch size unknown when it is dynamic.
 *
 * <p>Only small tensors are folded element by element; weights pass through untouched.
 */
final class ConstFolding {
  private ConstFolding() {}

  /** Ops folded when every input is a constant (Shape and Constant always are). */
  static void register(Map<String, NodeImporter> table) {
    table.put("Constant", ConstFolding::constant);
    table.put("Shape", ConstFolding::shape);
    table.put("Gather", ConstFolding::gather);
    table.put("Unsqueeze", n -> squeezeLike(n, false));
    table.put("Squeeze", n -> squeezeLike(n, true));
    table.put("Concat", ConstFolding::concat);
    table.put("Cast", ConstFolding::cast);
    table.put("Identity", n -> List.of(n.constant(0)));
    table.put("Slice", ConstFolding::slice);
    table.put("Reshape", ConstFolding::reshape);
    table.put("Add", n -> binary(n, Double::sum));
    table.put("Sub", n -> binary(n, (a, b) -> a - b));
    table.put("Mul", n -> binary(n, (a, b) -> a * b));
    table.put("Div", n -> binary(n, (a, b) -> n.constant(0).numbers() != null && n.constant(1).numbers() != null
        ? truncate(a / b) : a / b));
    table.put("Transpose", ConstFolding::transpose);
    table.put("ConstantOfShape", ConstFolding::constantOfShape);
    table.put("Floor", n -> unary(n, Math::floor));
    table.put("Ceil", n -> unary(n, Math::ceil));
  }

  private static double truncate(double v) {
    return v < 0 ? Math.ceil(v) : Math.floor(v);
  }

  private static List<Value> constant(OnnxNode n) {
    n.allowAttributes("value", "value_float", "value_floats", "value_int", "value_ints");
    AttributeProto a;
    if ((a = n.attr("value")) != null) {
      return List.of(OnnxTensors.decode(a.getT(), null, "node '" + n.name() + "' (Constant)"));
    }
    if ((a = n.attr("value_float")) != null) {
      return List.of(Const.floats(new long[0], new float[] {a.getF()}));
    }
    if ((a = n.attr("value_floats")) != null) {
      float[] v = new float[a.getFloatsCount()];
      for (int i = 0; i < v.length; i++) {
        v[i] = a.getFloats(i);
      }
      return List.of(Const.floats(new long[] {v.length}, v));
    }
    if ((a = n.attr("value_int")) != null) {
      return List.of(Const.numbers(new long[0], new double[] {a.getI()}));
    }
    if ((a = n.attr("value_ints")) != null) {
      return List.of(Const.vector(a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray()));
    }
    throw n.unsupported("a Constant without a value, value_float(s) or value_int(s) is not supported");
  }

  private static List<Value> shape(OnnxNode n) {
    n.allowAttributes("start", "end");
    Value v = n.input(0);
    double[] dims;
    if (v instanceof Value.MapRef m) {
      int[] s = m.shape().toArray();
      dims = new double[s.length + 1];
      dims[0] = n.batch;
      for (int i = 0; i < s.length; i++) {
        dims[i + 1] = s[i];
      }
    } else {
      dims = Arrays.stream(n.constant(0).dims()).asDoubleStream().toArray();
    }
    int start = (int) normalize(n.i("start", 0), dims.length);
    int end = (int) normalize(n.i("end", dims.length), dims.length);
    return List.of(Const.vector(Arrays.copyOfRange(dims, start, Math.max(start, end))));
  }

  private static long normalize(long i, int size) {
    long v = i < 0 ? i + size : i;
    return Math.max(0, Math.min(size, v));
  }

  private static List<Value> gather(OnnxNode n) {
    n.allowAttributes("axis");
    Const data = n.constant(0);
    Const idx = n.constant(1);
    if (data.rank() != 1 || n.i("axis", 0) != 0) {
      throw n.unsupported("only a Gather from a 1-d constant along axis 0 is folded");
    }
    double[] out = new double[idx.size()];
    long[] where = idx.asLongs("Gather's indices");
    for (int i = 0; i < out.length; i++) {
      long k = where[i] < 0 ? where[i] + data.size() : where[i];
      if (k < 0 || k >= data.size()) {
        throw n.invalid("index " + where[i] + " is out of range for " + data.size() + " values");
      }
      out[i] = data.get((int) k);
    }
    return List.of(data.floats() != null ? Const.floats(idx.dims(), toFloats(out)) : Const.numbers(idx.dims(), out));
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  private static Const withDims(Const c, long[] dims) {
    return new Const(dims, c.floats(), c.numbers());
  }

  private static List<Value> squeezeLike(OnnxNode n, boolean squeeze) {
    n.allowAttributes("axes");
    Const c = n.constant(0);
    long[] axes = n.opset >= 13 ? (n.input(1) == null ? null : n.constant(1).asLongs("axes")) : n.ints("axes", null);
    List<Long> dims = new ArrayList<>();
    for (long d : c.dims()) {
      dims.add(d);
    }
    if (squeeze) {
      if (axes == null) {
        dims.removeIf(d -> d == 1);
      } else {
        long[] norm = n.axes(axes, c.rank());
        for (int i = norm.length - 1; i >= 0; i--) {
          dims.remove((int) norm[i]);
        }
      }
    } else {
      if (axes == null) {
        throw n.invalid("Unsqueeze needs axes");
      }
      int outRank = c.rank() + axes.length;
      for (long a : n.axes(axes, outRank)) {
        dims.add((int) a, 1L);
      }
    }
    return List.of(withDims(c, dims.stream().mapToLong(Long::longValue).toArray()));
  }

  private static List<Value> concat(OnnxNode n) {
    n.allowAttributes("axis");
    List<Double> out = new ArrayList<>();
    boolean floats = true;
    for (int i = 0; i < n.inputCount(); i++) {
      Const c = n.constant(i);
      if (c.rank() > 1) {
        throw n.unsupported("only 1-d constants are concatenated at import");
      }
      floats &= c.floats() != null;
      for (double v : c.values()) {
        out.add(v);
      }
    }
    double[] v = out.stream().mapToDouble(Double::doubleValue).toArray();
    return List.of(floats ? Const.floats(new long[] {v.length}, toFloats(v)) : Const.vector(v));
  }

  private static List<Value> cast(OnnxNode n) {
    n.allowAttributes("to", "saturate");
    Const c = n.constant(0);
    long to = n.i("to", 1);
    boolean toFloat = to == 1 || to == 10 || to == 11;
    if (toFloat) {
      return List.of(Const.floats(c.dims(), c.asFloats()));
    }
    double[] v = c.values().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] = truncate(v[i]); // NaN, the unknown batch, stays unknown
    }
    return List.of(Const.numbers(c.dims(), v));
  }

  /** A strided slice of a small constant along any axes (F.pad's exporter reverses its pads with step -1). */
  private static List<Value> slice(OnnxNode n) {
    n.allowAttributes("starts", "ends", "axes");
    Const c = n.constant(0);
    long[] starts = n.opset < 10 ? n.ints("starts", null) : n.constant(1).asLongs("starts");
    long[] ends = n.opset < 10 ? n.ints("ends", null) : n.constant(2).asLongs("ends");
    long[] axes = n.opset < 10 ? n.ints("axes", null) : n.input(3) == null ? null : n.constant(3).asLongs("axes");
    long[] steps = n.opset >= 10 && n.input(4) != null ? n.constant(4).asLongs("steps") : null;
    int rank = c.rank();
    List<int[]> picks = new ArrayList<>();
    for (int d = 0; d < rank; d++) {
      picks.add(range(0, (int) c.dims()[d], 1, (int) c.dims()[d]));
    }
    for (int i = 0; i < starts.length; i++) {
      int axis = (int) (axes == null ? i : axes[i] < 0 ? axes[i] + rank : axes[i]);
      int size = (int) c.dims()[axis];
      long step = steps == null ? 1 : steps[i];
      if (step == 0) {
        throw n.invalid("a step of 0");
      }
      picks.set(axis, range(starts[i], ends[i], step, size));
    }
    return List.of(gatherAll(c, picks));
  }

  /** The indices a slice start:end:step picks from an axis of this size, clamped as ONNX says. */
  private static int[] range(long start, long end, long step, int size) {
    long s = start < 0 ? start + size : start;
    long e = end < 0 ? end + size : end;
    if (step > 0) {
      s = Math.max(0, Math.min(size, s));
      e = Math.max(0, Math.min(size, e));
    } else {
      s = Math.max(-1, Math.min(size - 1, s));
      e = Math.max(-1, Math.min(size - 1, e));
    }
    List<Integer> out = new ArrayList<>();
    for (long i = s; step > 0 ? i < e : i > e; i += step) {
      out.add((int) i);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The constant's elements at every combination of the per-axis indices, in row-major order. */
  private static Const gatherAll(Const c, List<int[]> picks) {
    int rank = picks.size();
    long[] dims = new long[rank];
    int total = 1;
    for (int d = 0; d < rank; d++) {
      dims[d] = picks.get(d).length;
      total *= picks.get(d).length;
    }
    int[] strides = new int[rank];
    for (int d = rank - 1, st = 1; d >= 0; d--) {
      strides[d] = st;
      st *= (int) c.dims()[d];
    }
    double[] out = new double[total];
    int[] idx = new int[rank];
    for (int k = 0; k < total; k++) {
      int src = 0;
      for (int d = 0; d < rank; d++) {
        src += picks.get(d)[idx[d]] * strides[d];
      }
      out[k] = c.get(src);
      for (int d = rank - 1; d >= 0 && ++idx[d] == dims[d]; d--) {
        idx[d] = 0;
      }
    }
    return c.floats() != null ? Const.floats(dims, toFloats(out)) : Const.numbers(dims, out);
  }

  private static List<Value> transpose(OnnxNode n) {
    n.allowAttributes("perm");
    Const c = n.constant(0);
    int rank = c.rank();
    long[] perm = n.ints("perm", null);
    if (perm == null) {
      perm = new long[rank];
      for (int i = 0; i < rank; i++) {
        perm[i] = rank - 1 - i;
      }
    }
    long[] dims = new long[rank];
    int[] srcStrides = new int[rank];
    for (int d = rank - 1, st = 1; d >= 0; d--) {
      srcStrides[d] = st;
      st *= (int) c.dims()[d];
    }
    for (int d = 0; d < rank; d++) {
      dims[d] = c.dims()[(int) perm[d]];
    }
    double[] out = new double[c.size()];
    int[] idx = new int[rank];
    for (int k = 0; k < out.length; k++) {
      int src = 0;
      for (int d = 0; d < rank; d++) {
        src += idx[d] * srcStrides[(int) perm[d]];
      }
      out[k] = c.get(src);
      for (int d = rank - 1; d >= 0 && ++idx[d] == dims[d]; d--) {
        idx[d] = 0;
      }
    }
    return List.of(c.floats() != null ? Const.floats(dims, toFloats(out)) : Const.numbers(dims, out));
  }

  private static List<Value> constantOfShape(OnnxNode n) {
    n.allowAttributes("value");
    long[] dims = n.constant(0).asLongs("ConstantOfShape's shape");
    Const fill = n.attr("value") == null ? Const.floats(new long[] {1}, new float[1])
        : OnnxTensors.decode(n.attr("value").getT(), null, "node '" + n.name() + "' value");
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count > 1 << 20) {
      throw n.unsupported("a ConstantOfShape of " + count + " values is not folded");
    }
    double[] v = new double[(int) count];
    java.util.Arrays.fill(v, fill.get(0));
    return List.of(fill.floats() != null ? Const.floats(dims, toFloats(v)) : Const.numbers(dims, v));
  }

  private static List<Value> reshape(OnnxNode n) {
    n.allowAttributes("allowzero");
    Const c = n.constant(0);
    long[] target = n.constant(1).asLongs("Reshape's shape");
    long known = 1;
    int infer = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0) {
        target[i] = c.dims()[i];
      }
      if (target[i] == -1) {
        infer = i;
      } else {
        known *= target[i];
      }
    }
    if (infer >= 0) {
      target[infer] = c.size() / Math.max(known, 1);
    }
    if (Arrays.stream(target).reduce(1, (a, b) -> a * b) != c.size()) {
      throw n.invalid("cannot reshape a constant of " + c.size() + " values to " + Arrays.toString(target));
    }
    return List.of(withDims(c, target));
  }

  private static List<Value> unary(OnnxNode n, DoubleUnaryOperator f) {
    n.allowAttributes();
    Const c = n.constant(0);
    double[] v = Arrays.stream(c.values()).map(f).toArray();
    return List.of(c.floats() != null ? Const.floats(c.dims(), toFloats(v)) : Const.numbers(c.dims(), v));
  }

  /** Element-wise on constants of equal shape, or one of a single value. */
  private static List<Value> binary(OnnxNode n, DoubleBinaryOperator f) {
    n.allowAttributes();
    Const a = n.constant(0);
    Const b = n.constant(1);
    if (a.size() != b.size() && a.size() != 1 && b.size() != 1) {
      throw n.unsupported("constants of shapes " + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims()) + " are not folded");
    }
    Const shaped = a.size() >= b.size() ? a : b;
    double[] out = new double[shaped.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.applyAsDouble(a.get(a.size() == 1 ? 0 : i), b.get(b.size() == 1 ? 0 : i));
    }
    boolean floats = a.floats() != null || b.floats() != null;
    return List.of(floats ? Const.floats(shaped.dims(), toFloats(out)) : Const.numbers(shaped.dims(), out));
  }
}
