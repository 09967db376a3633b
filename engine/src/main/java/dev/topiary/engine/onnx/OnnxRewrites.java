package dev.topiary.engine.onnx;

import dev.topiary.engine.graph.Constant;
import dev.topiary.engine.graph.Gemm;
import dev.topiary.engine.graph.HardSigmoid;
import dev.topiary.engine.graph.HardSwish;
import dev.topiary.engine.graph.Op;
import dev.topiary.engine.graph.OpType;
import dev.topiary.engine.graph.ParamRole;
import dev.topiary.engine.graph.SiLU;
import dev.topiary.engine.graph.ZeroPadShortcut;
import java.util.List;

/**
 * Small named rewrites of an imported graph, each folding a pattern that PyTorch's exporter spells
 * in several ops into the one IR op it means. None knows a model's name; each checks that the
 * nodes it removes are read by nothing else.
 */
final class OnnxRewrites {
  private OnnxRewrites() {}

  static void apply(IrDraft draft) {
    draft.removeUnused();
    fuseGatedActivations(draft);
    fuseGemmBias(draft);
    fuseShortcutPadding(draft);
    draft.removeUnused();
  }

  /**
   * {@code F.pad(x[:, :, ::s, ::s], channels)}, imported as a subsampling then a channel padding,
   * is one option-A shortcut ({@code ZeroPadShortcut(s, before, after)}), as the zoo builds it.
   */
  static void fuseShortcutPadding(IrDraft draft) {
    for (IrDraft.Draft pad : List.copyOf(draft.nodes)) {
      if (!(pad.op instanceof ZeroPadShortcut p) || p.stride() != 1 || pad.inputs.size() != 1) {
        continue;
      }
      IrDraft.Draft sub = draft.node(pad.inputs.get(0));
      if (sub != null && sub.op instanceof ZeroPadShortcut s && s.padBefore() == 0 && s.padAfter() == 0
          && draft.readers(sub.name).size() == 1 && !draft.isOutput(sub.name)) {
        pad.op = new ZeroPadShortcut(s.stride(), p.padBefore(), p.padAfter());
        pad.inputs = new java.util.ArrayList<>(sub.inputs);
        draft.nodes.remove(sub);
      }
    }
  }

  /**
   * {@code x * sigmoid(x)} is a SiLU (PyTorch 1.13 exports nn.SiLU so, and users write it by hand);
   * {@code x * hardsigmoid(x)} with torch's 1/6 and 0.5 is a HardSwish (the export below opset 14).
   */
  static void fuseGatedActivations(IrDraft draft) {
    for (IrDraft.Draft mul : List.copyOf(draft.nodes)) {
      if (mul.op.type() != OpType.MUL) {
        continue;
      }
      for (int k = 0; k < 2; k++) {
        IrDraft.Draft gate = draft.node(mul.inputs.get(k));
        String x = mul.inputs.get(1 - k);
        Op fused = gate == null ? null : gated(gate.op);
        if (fused != null && gate.inputs.get(0).equals(x)
            && draft.readers(gate.name).size() == 1 && !draft.isOutput(gate.name)) {
          mul.op = fused;
          mul.inputs = new java.util.ArrayList<>(List.of(x));
          draft.nodes.remove(gate);
          break;
        }
      }
    }
  }

  private static Op gated(Op gate) {
    if (gate.type() == OpType.SIGMOID) {
      return new SiLU();
    }
    if (gate instanceof HardSigmoid h && Math.abs(h.alpha() - 1.0 / 6) < 1e-6 && Math.abs(h.beta() - 0.5) < 1e-7) {
      return new HardSwish();
    }
    return null;
  }

  /** {@code matmul(x, W) + b} (a Linear applied by hand) is a Gemm with a bias. */
  static void fuseGemmBias(IrDraft draft) {
    for (IrDraft.Draft add : List.copyOf(draft.nodes)) {
      if (add.op.type() != OpType.ADD || add.inputs.size() != 2) {
        continue;
      }
      for (int k = 0; k < 2; k++) {
        IrDraft.Draft gemm = draft.node(add.inputs.get(k));
        IrDraft.Draft bias = draft.node(add.inputs.get(1 - k));
        if (gemm != null && bias != null && gemm.op instanceof Gemm g && !g.bias()
            && bias.op instanceof Constant c && c.shape().rank() == 1
            && (c.shape().channels() == g.outFeatures() || c.shape().channels() == 1)
            && draft.readers(gemm.name).size() == 1 && draft.readers(bias.name).size() == 1
            && !draft.isOutput(gemm.name) && !draft.isOutput(bias.name)) {
          float[] b = new float[g.outFeatures()];
          float[] v = bias.params.get(ParamRole.VALUE).data();
          for (int i = 0; i < b.length; i++) {
            b[i] = v[v.length == 1 ? 0 : i];
          }
          gemm.op = new Gemm(g.outFeatures(), true);
          OnnxNode.param(gemm, ParamRole.BIAS, new int[] {b.length}, b);
          draft.nodes.remove(bias);
          draft.absorb(gemm, add);
          break;
        }
      }
    }
  }
}
