#!/usr/bin/python3
"""Runs every fixture listed in fixtures.json through a small ONNX interpreter and compares with PyTorch's outputs.

Usage: /usr/bin/python3 bench/onnx/check_fixtures.py [--dir engine/src/test/resources/onnx]

There is no onnxruntime here, so the interpreter below follows the ONNX operator specs for the op types the
fixtures use (elementwise math on torch tensors, convolution and pooling through torch.nn.functional, Resize and
the shape ops written out by hand). It checks that each file computes the module's output (batch 2, and batch 1
where the batch axis is dynamic) and prints the largest differences, which tell a loader test what tolerance to use.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

DTYPES = {1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 10: torch.float16, 11: torch.float64}


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def pad_nchw(x, pads, value=0.0):
    """ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end] over the spatial axes -> F.pad."""
    n = len(pads) // 2
    tp = []
    for i in reversed(range(n)):
        tp += [pads[i], pads[i + n]]
    return F.pad(x, tp, value=value) if any(tp) else x


def resize(x, scales, sizes, a):
    mode = a.get("mode", b"nearest").decode()
    ctm = a.get("coordinate_transformation_mode", b"half_pixel").decode()
    nearest_mode = a.get("nearest_mode", b"round_prefer_floor").decode()
    in_shape = list(x.shape)
    if sizes is not None and sizes.numel():
        out_shape = ints(sizes)
        scales = [o / i for o, i in zip(out_shape, in_shape)]
    else:
        scales = [float(s) for s in scales.reshape(-1).tolist()]
        out_shape = [int(math.floor(i * s)) for i, s in zip(in_shape, scales)]
    assert out_shape[:2] == in_shape[:2] and scales[:2] == [1.0, 1.0], "Resize only over H and W"
    y = x
    for axis in (2, 3):
        n_in, n_out, s = in_shape[axis], out_shape[axis], scales[axis]
        o = torch.arange(n_out, dtype=torch.float64)
        if ctm == "half_pixel":
            c = (o + 0.5) / s - 0.5
        elif ctm == "pytorch_half_pixel":
            c = (o + 0.5) / s - 0.5 if n_out > 1 else torch.zeros_like(o)
        elif ctm == "align_corners":
            c = o * (n_in - 1) / (n_out - 1) if n_out > 1 else torch.zeros_like(o)
        elif ctm == "asymmetric":
            c = o / s
        else:
            raise NotImplementedError(ctm)
        if mode == "nearest":
            if nearest_mode == "floor":
                idx = torch.floor(c)
            elif nearest_mode == "ceil":
                idx = torch.ceil(c)
            elif nearest_mode == "round_prefer_floor":
                idx = torch.where(c - torch.floor(c) == 0.5, torch.floor(c), torch.round(c))
            else:
                idx = torch.floor(c + 0.5)
            idx = idx.clamp(0, n_in - 1).long()
            y = y.index_select(axis, idx)
        elif mode == "linear":
            c = c.clamp(0, n_in - 1)
            lo = torch.floor(c).long()
            hi = (lo + 1).clamp(max=n_in - 1)
            w = (c - lo).to(x.dtype)
            shape = [1] * y.dim()
            shape[axis] = n_out
            w = w.view(shape)
            y = y.index_select(axis, lo) * (1 - w) + y.index_select(axis, hi) * w
        else:
            raise NotImplementedError(mode)
    return y


def run_node(node, ins, opset):
    op, a = node.op_type, attrs(node)
    x = ins[0] if ins else None
    if op == "Constant":
        return [torch.from_numpy(numpy_helper.to_array(a["value"]).copy())]
    if op == "Identity":
        return [x]
    if op == "Cast":
        return [x.to(DTYPES[a["to"]])]
    if op == "Shape":
        return [torch.tensor(list(x.shape), dtype=torch.int64)]
    if op == "ConstantOfShape":
        v = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()) if "value" in a else torch.zeros(1)
        return [v.reshape(-1)[0].expand(ints(x)).clone()]
    if op == "Gather":
        axis = a.get("axis", 0)
        idx = ins[1].long()
        idx = torch.where(idx < 0, idx + x.shape[axis], idx)
        out = x.index_select(axis, idx.reshape(-1))
        return [out.reshape(list(x.shape[:axis]) + list(idx.shape) + list(x.shape[axis + 1:]))]
    if op == "Unsqueeze":
        axes = a["axes"] if opset < 13 else ints(ins[1])
        r = x.dim() + len(axes)
        y = x
        for ax in sorted(ax % r for ax in axes):
            y = y.unsqueeze(ax)
        return [y]
    if op == "Concat":
        return [torch.cat(ins, a["axis"])]
    if op == "Reshape":
        shape = ints(ins[1])
        shape = [x.shape[i] if s == 0 and not a.get("allowzero", 0) else s for i, s in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Flatten":
        axis = a.get("axis", 1) % x.dim() if x.dim() else 0
        return [x.reshape(int(np.prod(x.shape[:axis])), -1)]
    if op == "Transpose":
        return [x.permute(a.get("perm", list(reversed(range(x.dim())))))]
    if op == "Slice":
        starts, ends = ints(ins[1]), ints(ins[2])
        axes = ints(ins[3]) if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
        steps = ints(ins[4]) if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
        y = x
        for s, e, ax, st in zip(starts, ends, axes, steps):
            ax %= x.dim()
            d = x.shape[ax]
            s, e = s + d if s < 0 else s, e + d if e < 0 else e
            if st > 0:
                s, e = max(0, min(d, s)), max(0, min(d, e))
            else:
                s, e = max(0, min(d - 1, s)), max(-1, min(d - 1, e))
            y = y.index_select(ax, torch.tensor(list(range(s, e, st)), dtype=torch.int64))
        return [y]
    if op == "Split":
        axis = a.get("axis", 0)
        if opset < 13:
            split = a.get("split")
        else:
            split = ints(ins[1]) if len(ins) > 1 and ins[1] is not None else None
        if split is None:
            n = len(node.output)
            split = [x.shape[axis] // n] * n
        return list(torch.split(x, split, axis))
    if op in ("Add", "Sub", "Mul", "Div"):
        b = ins[1]
        if op == "Div" and not x.is_floating_point():
            return [torch.div(x, b, rounding_mode="trunc")]
        return [{"Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div}[op](x, b)]
    if op == "MatMul":
        return [torch.matmul(x, ins[1])]
    if op == "Gemm":
        A, B = ins[0], ins[1]
        if a.get("transA", 0):
            A = A.t()
        if a.get("transB", 0):
            B = B.t()
        y = a.get("alpha", 1.0) * (A @ B)
        if len(ins) > 2 and ins[2] is not None:
            y = y + a.get("beta", 1.0) * ins[2]
        return [y]
    if op == "Relu":
        return [torch.clamp(x, min=0)]
    if op == "Sigmoid":
        return [torch.sigmoid(x)]
    if op == "LeakyRelu":
        return [torch.where(x >= 0, x, a.get("alpha", 0.01) * x)]
    if op == "HardSigmoid":
        return [torch.clamp(a.get("alpha", 0.2) * x + a.get("beta", 0.5), 0, 1)]
    if op == "HardSwish":
        return [x * torch.clamp(x / 6 + 0.5, 0, 1)]
    if op == "Clip":
        if opset < 11:
            lo, hi = a.get("min"), a.get("max")
        else:
            lo = ins[1].item() if len(ins) > 1 and ins[1] is not None else None
            hi = ins[2].item() if len(ins) > 2 and ins[2] is not None else None
        return [torch.clamp(x, min=lo, max=hi)]
    if op == "Softmax":
        axis = a.get("axis", 1 if opset < 13 else -1)
        if opset < 13:
            shape = x.shape
            return [torch.softmax(x.reshape(int(np.prod(shape[:axis])), -1), 1).reshape(shape)]
        return [torch.softmax(x, axis)]
    if op == "GlobalAveragePool":
        return [x.mean(dim=tuple(range(2, x.dim())), keepdim=True)]
    if op == "ReduceMean":
        axes = a.get("axes", list(range(x.dim())))
        return [x.mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))]
    if op == "BatchNormalization":
        scale, bias, mean, var = ins[1:5]
        eps = a.get("epsilon", 1e-5)
        sh = [1, -1] + [1] * (x.dim() - 2)
        return [(x - mean.view(sh)) / torch.sqrt(var.view(sh) + eps) * scale.view(sh) + bias.view(sh)]
    if op == "InstanceNormalization":
        eps = a.get("epsilon", 1e-5)
        dims = tuple(range(2, x.dim()))
        m = x.mean(dims, keepdim=True)
        v = ((x - m) ** 2).mean(dims, keepdim=True)
        sh = [1, -1] + [1] * (x.dim() - 2)
        return [(x - m) / torch.sqrt(v + eps) * ins[1].view(sh) + ins[2].view(sh)]
    if op == "Conv":
        w = ins[1]
        b = ins[2] if len(ins) > 2 else None
        assert a.get("auto_pad", b"NOTSET") == b"NOTSET"
        k = w.dim() - 2
        pads = a.get("pads", [0] * 2 * k)
        return [F.conv2d(pad_nchw(x, pads), w, b, a.get("strides", [1] * k), 0, a.get("dilations", [1] * k),
                         a.get("group", 1))]
    if op in ("MaxPool", "AveragePool"):
        assert a.get("auto_pad", b"NOTSET") == b"NOTSET"
        ks = a["kernel_shape"]
        k = len(ks)
        pads = a.get("pads", [0] * 2 * k)
        strides = a.get("strides", [1] * k)
        ceil = bool(a.get("ceil_mode", 0))
        sym = pads[:k] == pads[k:]
        if op == "MaxPool":
            assert a.get("dilations", [1] * k) == [1] * k
            if sym:
                return [F.max_pool2d(x, ks, strides, pads[:k], ceil_mode=ceil)]
            return [F.max_pool2d(pad_nchw(x, pads, -math.inf), ks, strides, 0, ceil_mode=ceil)]
        cip = bool(a.get("count_include_pad", 0))
        assert sym, "asymmetric AveragePool pads"
        return [F.avg_pool2d(x, ks, strides, pads[:k], ceil_mode=ceil, count_include_pad=cip)]
    if op == "Pad":
        mode = a.get("mode", b"constant").decode()
        pads = ints(ins[1]) if opset >= 11 else a["pads"]
        value = ins[2].item() if len(ins) > 2 and ins[2] is not None else 0.0
        r = x.dim()
        assert mode == "constant" and pads[0] == pads[1] == pads[r] == pads[r + 1] == 0, pads
        return [pad_nchw(x, pads[2:r] + pads[r + 2:], value)]
    if op == "Resize":
        scales = ins[2] if len(ins) > 2 else None
        sizes = ins[3] if len(ins) > 3 else None
        return [resize(x, scales, sizes, a)]
    raise NotImplementedError(op)


def run_model(m, feeds):
    opset = next(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    env = {"": None}
    for t in m.graph.initializer:
        env[t.name] = torch.from_numpy(numpy_helper.to_array(t).copy())
    env.update(feeds)
    for node in m.graph.node:
        outs = run_node(node, [env[i] for i in node.input], opset)
        assert len(outs) >= len(node.output), node.op_type
        for name, v in zip(node.output, outs):
            env[name] = v
    return [env[o.name] for o in m.graph.output]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_dir = os.path.normpath(os.path.join(here, "..", "..", "engine", "src", "test", "resources", "onnx"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=default_dir)
    args = ap.parse_args()
    with open(os.path.join(args.dir, "fixtures.json")) as f:
        entries = json.load(f)
    failures = 0
    print(f"{'file':36} {'batch2 max|d|':>14} {'rel':>9} {'batch1 max|d|':>14}")
    for e in entries:
        path = os.path.join(args.dir, e["file"])
        m = onnx.load(path)  # reads external data beside the file
        onnx.checker.check_model(path)
        x = np.load(os.path.join(args.dir, f"{e['family']}.input.npy"))
        assert list(x.shape) == e["input"]["shape"] and x.dtype == np.float32
        refs = [np.load(os.path.join(args.dir, o["npy"])) for o in e["outputs"]]
        for r, o in zip(refs, e["outputs"]):
            assert list(r.shape) == o["shape"] and r.dtype == np.float32
        assert sorted({n.op_type for n in m.graph.node}) == e["opTypes"], e["file"]
        assert [i.name for i in m.graph.input] == [e["input"]["name"]], e["file"]
        assert [o.name for o in m.graph.output] == [o["name"] for o in e["outputs"]], e["file"]
        dim0 = m.graph.input[0].type.tensor_type.shape.dim[0]
        assert bool(dim0.dim_param) == e["dynamicBatch"] and (e["dynamicBatch"] or dim0.dim_value == 2), e["file"]
        # fp16 weights round to 11 significant bits; float32 variants differ from PyTorch by rounding only
        tol = 2e-3 if "fp16" in e["file"] else 1e-5
        line = f"{e['file']:36}"
        batches = [2, 1] if e["dynamicBatch"] else [2]
        for b in batches:
            outs = run_model(m, {e["input"]["name"]: torch.from_numpy(x[:b].copy())})
            worst, rel = 0.0, 0.0
            for out, r in zip(outs, refs):
                assert list(out.shape) == [b] + list(r.shape[1:]), (e["file"], list(out.shape))
                d = float(np.abs(out.numpy() - r[:b]).max())
                worst = max(worst, d)
                rel = max(rel, d / max(1e-12, float(np.abs(r[:b]).max())))
            ok = rel <= tol
            failures += not ok
            line += f" {worst:14.3e}" + (f" {rel:9.2e}" if b == 2 else "") + ("" if ok else "  FAIL")
        print(line)
    print(f"{failures} comparison(s) over tolerance" if failures else f"all {len(entries)} files match the PyTorch outputs")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
