#!/usr/bin/env python3
"""PyTorch reference for Topiary's throughput benchmarks.

Builds the network described by a Topiary graph.json out of ordinary torch.nn modules and times
training steps (forward, cross-entropy, backward, SGD with momentum and weight decay) and
inference at one batch size, with fixed intra-/inter-op thread counts. Reading the same graph.json
that the Java side runs guarantees both time the same architecture.

Usage: torch_reference.py GRAPH_JSON --batch 128 --threads 2 --interop 1 --warmup 2 --warmup-seconds 2 --iters 5 --seconds 3
Prints one JSON object: {"model", "train_img_s", "infer_img_s", "threads", "torch"}.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def pair(v):
    return tuple(v)


class ZeroPadShortcut(nn.Module):
    def __init__(self, stride, before, after):
        super().__init__()
        self.s, self.before, self.after = stride, before, after

    def forward(self, x):
        return F.pad(x[:, :, ::self.s, ::self.s], (0, 0, 0, 0, self.before, self.after))


def make_module(op, a, in_channels):
    if op == "Conv":
        return nn.Conv2d(in_channels, a["outChannels"], pair(a["kernel"]), pair(a["stride"]),
                         pair(a["padding"]), pair(a["dilation"]), a["groups"], a["bias"])
    if op == "BatchNormalization":
        channels, spatial = in_channels
        if channels is None:
            return nn.LazyBatchNorm1d(eps=a["epsilon"], momentum=a["momentum"])
        cls = nn.BatchNorm2d if spatial else nn.BatchNorm1d
        return cls(channels, eps=a["epsilon"], momentum=a["momentum"])
    if op == "Relu":
        return nn.ReLU(inplace=False)
    if op == "Clip":
        return nn.Hardtanh(a["min"], a["max"])
    if op == "LeakyRelu":
        return nn.LeakyReLU(a["alpha"])
    if op == "Sigmoid":
        return nn.Sigmoid()
    if op == "SiLU":
        return nn.SiLU()
    if op == "HardSwish":
        return nn.Hardswish()
    if op == "MaxPool":
        return nn.MaxPool2d(pair(a["kernel"]), pair(a["stride"]), pair(a["padding"]), ceil_mode=a["ceilMode"])
    if op == "AveragePool":
        return nn.AvgPool2d(pair(a["kernel"]), pair(a["stride"]), pair(a["padding"]),
                            ceil_mode=a["ceilMode"], count_include_pad=a["countIncludePad"])
    if op == "GlobalAveragePool":
        return nn.AdaptiveAvgPool2d(1)
    if op == "Flatten":
        return nn.Flatten()
    if op == "Gemm":
        if in_channels is None:
            return nn.LazyLinear(a["outFeatures"], a["bias"])
        return nn.Linear(in_channels, a["outFeatures"], a["bias"])
    if op == "Dropout":
        return nn.Dropout(a["ratio"])
    if op == "Upsample":
        return nn.Upsample(scale_factor=a["scale"], mode="nearest")
    if op == "Identity":
        return nn.Identity()
    if op == "ZeroPadShortcut":
        return ZeroPadShortcut(a["stride"], a["padBefore"], a["padAfter"])
    if op in ("Add", "Concat"):
        return None
    raise ValueError("unsupported op " + op)


class GraphModule(nn.Module):
    """Runs a Topiary graph in topological order with torch.nn modules."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph
        shapes = {i["name"]: i["shape"] for i in graph["inputs"]}
        self.mods = nn.ModuleDict()
        for n in graph["nodes"]:
            src = shapes[n["inputs"][0]]
            op, a = n["op"], n["attrs"]
            if op == "BatchNormalization":
                arg = (src[0], len(src) == 3)
            elif op == "Gemm":
                arg = src[0]
            else:
                arg = src[0]
            m = make_module(op, a, arg)
            if m is not None:
                self.mods[n["name"].replace(".", "_")] = m
            shapes[n["name"]] = self._shape(n, shapes)
        with torch.no_grad():  # materialise lazy modules
            self.eval()
            self.forward(torch.zeros(2, *graph["inputs"][0]["shape"]))

    @staticmethod
    def _shape(n, shapes):
        # Only the channel count matters for construction; shapes are re-derived at run time.
        src = shapes[n["inputs"][0]]
        op, a = n["op"], n["attrs"]
        if op == "Conv":
            return [a["outChannels"], 1, 1]
        if op == "Gemm":
            return [a["outFeatures"]]
        if op == "Flatten":
            return [None]  # resolved by the lazy modules' dry run
        if op == "Concat":
            cs = [shapes[i][0] for i in n["inputs"]]
            return [None if None in cs else sum(cs)] + ([1, 1] if len(src) == 3 else [])
        if op == "ZeroPadShortcut":
            return [src[0] + a["padBefore"] + a["padAfter"], 1, 1]
        return src

    def forward(self, x):
        values = {self.graph["inputs"][0]["name"]: x}
        for n in self.graph["nodes"]:
            ins = [values[i] for i in n["inputs"]]
            op = n["op"]
            if op == "Add":
                out = ins[0]
                for t in ins[1:]:
                    out = out + t
            elif op == "Concat":
                out = torch.cat(ins, 1)
            else:
                out = self.mods[n["name"].replace(".", "_")](ins[0])
            values[n["name"]] = out
        return values[self.graph["outputs"][0]]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("graph")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--interop", type=int, default=1)
    p.add_argument("--warmup", type=int, default=2, help="warm-up iterations, at least")
    p.add_argument("--warmup-seconds", type=float, default=2.0, help="warm-up seconds, at least")
    p.add_argument("--iters", type=int, default=5, help="timed iterations, at least")
    p.add_argument("--seconds", type=float, default=3.0, help="timed seconds, at least")
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--device", default="cpu", help="cpu or cuda")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.interop)
    torch.manual_seed(0)
    with open(args.graph) as f:
        graph = json.load(f)
    device = torch.device(args.device)
    model = GraphModule(graph).to(device)
    shape = graph["inputs"][0]["shape"]
    x = torch.randn(args.batch, *shape, device=device)
    y = torch.randint(0, args.classes, (args.batch,), device=device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    def train_step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    def phase(step, iterations, seconds):
        """Runs step at least `iterations` times and for at least `seconds`; returns (calls, elapsed).

        A GPU runs kernels asynchronously: the clock stops once the device has finished them."""
        n = 0
        t0 = time.perf_counter()
        while n < iterations or time.perf_counter() - t0 < seconds:
            step()
            n += 1
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return n, time.perf_counter() - t0

    model.train()
    phase(train_step, args.warmup, args.warmup_seconds)
    train_iters, elapsed = phase(train_step, args.iters, args.seconds)
    train = args.batch * train_iters / elapsed

    model.eval()
    with torch.no_grad():
        phase(lambda: model(x), args.warmup, args.warmup_seconds)
        infer_iters, elapsed = phase(lambda: model(x), args.iters, args.seconds)
        infer = args.batch * infer_iters / elapsed
    print(json.dumps({"model": graph["name"], "train_img_s": round(train, 2), "infer_img_s": round(infer, 2),
                      "threads": args.threads, "interop": args.interop, "batch": args.batch,
                      "train_iters": train_iters, "infer_iters": infer_iters,
                      "device": str(device), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
