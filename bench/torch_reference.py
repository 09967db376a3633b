#!/usr/bin/env python3
"""PyTorch reference for Topiary's throughput benchmarks.

Builds the network described by a Topiary graph.json out of ordinary torch.nn modules and times
training steps and inference at one batch size, with fixed intra-/inter-op thread counts. Reading
the same graph.json that the Java side runs guarantees both time the same architecture.

Classification (default): forward, cross-entropy, backward, SGD with momentum and weight decay;
then inference.
Usage: torch_reference.py GRAPH_JSON --batch 128 --threads 2 --interop 1 --warmup 2 --warmup-seconds 2 --iters 5 --seconds 3
Prints one JSON object: {"model", "train_img_s", "infer_img_s", "threads", "torch"}.
With --latency 1,32 [--runs 50 --warmup 10]: inference latency only, {"latency": {"1": {"median_ms", "p90_ms"}, ...}}.

Detection (--task detection, a YOLOv5 graph whose outputs are the three head convolutions): YOLOv5
v6.2/v7.0 train.py's step past the warm-up: Detect's training view of the maps, ComputeLoss
(written below from YOLOv5's formulas, or YOLOv5's own with --yolov5 DIR), backward, and every
`accumulate = round(nominal batch / batch)` iterations clip_grad_norm_(10), SGD over YOLOv5's three
groups (Nesterov, momentum 0.937, lr 0.01, weight decay 5e-4 scaled to the accumulated batch on the
conv weights only), zero_grad and ModelEMA's update. The timed phase runs a multiple of
`accumulate` iterations. The head's biases get YOLOv5's priors (_initialize_biases). Images are uniform [0, 1); targets are the rows
(image, class, cx, cy, w, h) of --targets FILE (what `topiary engine bench --task detection
--save-targets FILE` used), so both sides assign the same boxes.
Usage: torch_reference.py GRAPH_JSON --task detection --targets FILE --batch 16 [--nominal-batch 64] [--no-ema] [--yolov5 DIR]
Prints one JSON object: {"model", "train_img_s", "train_iters", "optimizer_steps", ...}.
"""
import argparse
import json
import math
import time
from copy import deepcopy

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
        outs = [values[o] for o in self.graph["outputs"]]
        return outs[0] if len(outs) == 1 else outs


# ---------------------------------------------------------------- detection (YOLOv5 v6.2 / v7.0)

ANCHORS = [[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]]  # pixels, P3-P5
STRIDES = [8, 16, 32]


class DetectView(nn.Module):
    """The graph, then models/yolo.py Detect.forward's training-mode view: [B, na, H, W, 5 + nc] per level."""

    def __init__(self, graph, na=3):
        super().__init__()
        self.net = GraphModule(graph)
        self.na = na
        self._initialize_biases(graph)

    def _initialize_biases(self, graph):
        """yolo.py Model._initialize_biases (v7.0): objectness log(8 / cells), classes log(0.6 / (nc - 0.99999));
        cells of this input's maps, as Topiary's DetectHead.withInitialBiases (equal to YOLOv5's at 640)."""
        size = graph["inputs"][0]["shape"][1:]
        with torch.no_grad():
            for name, stride in zip(graph["outputs"], STRIDES):
                b = self.net.mods[name.replace(".", "_")].bias.view(self.na, -1)
                b[:, 4] += math.log(8 / ((size[0] // stride) * (size[1] // stride)))
                b[:, 5:] += math.log(0.6 / (b.shape[1] - 5 - 0.99999))

    def forward(self, x):
        out = []
        for m in self.net(x):
            bs, c, h, w = m.shape
            out.append(m.view(bs, self.na, c // self.na, h, w).permute(0, 1, 3, 4, 2).contiguous())
        return out


def complete_iou(p, t, eps=1e-7):
    """CIoU of boxes (cx, cy, w, h), row by row: IoU - centre distance^2 / enclosing diagonal^2 - alpha v,
    alpha computed without gradient (metrics.py bbox_iou(xywh=True, CIoU=True))."""
    (px, py, pw, ph), (tx, ty, tw, th) = p.unbind(1), t.unbind(1)
    p1x, p2x, p1y, p2y = px - pw / 2, px + pw / 2, py - ph / 2, py + ph / 2
    t1x, t2x, t1y, t2y = tx - tw / 2, tx + tw / 2, ty - th / 2, ty + th / 2
    inter = (torch.min(p2x, t2x) - torch.max(p1x, t1x)).clamp(0) * (torch.min(p2y, t2y) - torch.max(p1y, t1y)).clamp(0)
    union = pw * ph + tw * th - inter + eps
    iou = inter / union
    cw = torch.max(p2x, t2x) - torch.min(p1x, t1x)
    ch = torch.max(p2y, t2y) - torch.min(p1y, t1y)
    c2 = cw ** 2 + ch ** 2 + eps
    rho2 = ((t1x + t2x - p1x - p2x) ** 2 + (t1y + t2y - p1y - p2y) ** 2) / 4
    v = (4 / math.pi ** 2) * torch.pow(torch.atan(tw / th) - torch.atan(pw / ph), 2)
    with torch.no_grad():
        alpha = v / (v - iou + (1 + eps))
    return iou - (rho2 / c2 + v * alpha)


class YoloLoss:
    """utils/loss.py ComputeLoss with hyp.scratch-low.yaml scaled as train.py does (box 0.05, obj 1.0
    * (imgsz / 640)^2, cls 0.5 * nc / 80; anchor_t 4; cls_pw = obj_pw = 1; no focal loss or label
    smoothing; gr = 1; balance 4.0, 1.0, 0.4). Targets are assigned with tensor ops on the predictions'
    device, as YOLOv5's build_targets does."""

    def __init__(self, nc, imgsz, device):
        self.nc, self.na, self.nl = nc, 3, 3
        self.box, self.cls, self.obj = 0.05, 0.5 * nc / 80, 1.0 * (imgsz / 640) ** 2
        self.anchor_t, self.balance = 4.0, [4.0, 1.0, 0.4]
        stride = torch.tensor(STRIDES, dtype=torch.float32, device=device)
        self.anchors = torch.tensor(ANCHORS, dtype=torch.float32, device=device).view(3, 3, 2) / stride.view(-1, 1, 1)
        self.offsets = torch.tensor([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]], dtype=torch.float32, device=device) * 0.5
        one = torch.ones(1, device=device)
        self.bce_cls = nn.BCEWithLogitsLoss(pos_weight=one)
        self.bce_obj = nn.BCEWithLogitsLoss(pos_weight=one)
        self.device = device

    def assign(self, preds, targets):
        """Per level: (image, anchor, grid y, grid x), class, box (x, y in the cell, w, h; grid units), anchor w, h."""
        nt = targets.shape[0]
        ai = torch.arange(self.na, device=self.device).float().view(self.na, 1).repeat(1, nt)
        rows = torch.cat((targets.repeat(self.na, 1, 1), ai[..., None]), 2)  # [na, nt, 7]
        gain = torch.ones(7, device=self.device)
        out = []
        for i, p in enumerate(preds):
            h, w = p.shape[2], p.shape[3]
            gain[2:6] = torch.tensor([w, h, w, h], dtype=torch.float32)
            t = rows * gain
            if nt:
                r = t[..., 4:6] / self.anchors[i][:, None]
                t = t[torch.max(r, 1 / r).max(2)[0] < self.anchor_t]
                gxy = t[:, 2:4]
                gxi = gain[[2, 3]] - gxy
                left, up = ((gxy % 1 < 0.5) & (gxy > 1)).T
                right, down = ((gxi % 1 < 0.5) & (gxi > 1)).T
                pick = torch.stack((torch.ones_like(left), left, up, right, down))
                t = t.repeat((5, 1, 1))[pick]
                off = (torch.zeros_like(gxy)[None] + self.offsets[:, None])[pick]
            else:
                t, off = rows[0], 0
            image, cls, gxy, gwh, a = t[:, 0].long(), t[:, 1].long(), t[:, 2:4], t[:, 4:6], t[:, 6].long()
            gij = (gxy - off).long()
            gij[:, 0].clamp_(0, w - 1)
            gij[:, 1].clamp_(0, h - 1)
            out.append(((image, a, gij[:, 1], gij[:, 0]), cls, torch.cat((gxy - gij, gwh), 1), self.anchors[i][a]))
        return out

    def __call__(self, preds, targets):
        lbox = torch.zeros(1, device=self.device)
        lobj = torch.zeros(1, device=self.device)
        lcls = torch.zeros(1, device=self.device)
        for i, (p, (index, cls, tbox, anchor)) in enumerate(zip(preds, self.assign(preds, targets))):
            tobj = torch.zeros(p.shape[:4], dtype=p.dtype, device=self.device)
            n = index[0].shape[0]
            if n:
                ps = p[index]
                pxy = ps[:, 0:2].sigmoid() * 2 - 0.5
                pwh = (ps[:, 2:4].sigmoid() * 2) ** 2 * anchor
                iou = complete_iou(torch.cat((pxy, pwh), 1), tbox)
                lbox += (1.0 - iou).mean()
                tobj[index] = iou.detach().clamp(0).type(tobj.dtype)
                if self.nc > 1:
                    t = torch.zeros_like(ps[:, 5:])
                    t[range(n), cls] = 1.0
                    lcls += self.bce_cls(ps[:, 5:], t)
            lobj += self.bce_obj(p[..., 4], tobj) * self.balance[i]
        lbox *= self.box
        lobj *= self.obj
        lcls *= self.cls
        return (lbox + lobj + lcls) * preds[0].shape[0], torch.cat((lbox, lobj, lcls)).detach()


def yolov5_compute_loss(yolov5_dir, model, nc, imgsz):
    """YOLOv5's own ComputeLoss from a checkout (v7.0), with the attributes it reads; as bench/detect/check_loss.py."""
    import sys
    import types
    sys.path.insert(0, yolov5_dir)
    for name in ("matplotlib", "matplotlib.pyplot"):
        sys.modules.setdefault(name, types.ModuleType(name))
    torch_utils = types.ModuleType("utils.torch_utils")
    torch_utils.de_parallel = lambda m: m
    sys.modules["utils.torch_utils"] = torch_utils
    from utils.loss import ComputeLoss
    detect = nn.Module()
    detect.nc, detect.nl, detect.na = nc, 3, 3
    detect.stride = torch.tensor(STRIDES, dtype=torch.float32)
    detect.anchors = torch.tensor(ANCHORS, dtype=torch.float32).view(3, 3, 2) / detect.stride.view(-1, 1, 1)
    holder = nn.Module()
    holder.model = nn.ModuleList([detect])
    holder.w = nn.Parameter(torch.zeros(1))  # ComputeLoss reads the device of the first parameter
    holder.hyp = {"box": 0.05, "cls": 0.5 * nc / 80, "obj": 1.0 * (imgsz / 640) ** 2, "anchor_t": 4.0,
                  "cls_pw": 1.0, "obj_pw": 1.0, "fl_gamma": 0.0, "label_smoothing": 0.0}
    return ComputeLoss(holder)


def yolov5_optimizer(model, lr, momentum, decay):
    """torch_utils.py smart_optimizer('SGD'): biases (no decay), conv weights (decay), BN weights (no decay)."""
    weights, bn_weights, biases = [], [], []
    for m in model.modules():
        for name, p in m.named_parameters(recurse=False):
            if name == "bias":
                biases.append(p)
            elif name == "weight" and isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                bn_weights.append(p)
            else:
                weights.append(p)
    opt = torch.optim.SGD(biases, lr=lr, momentum=momentum, nesterov=True)
    opt.add_param_group({"params": weights, "weight_decay": decay})
    opt.add_param_group({"params": bn_weights, "weight_decay": 0.0})
    return opt


class ModelEma:
    """torch_utils.py ModelEMA: every floating-point state_dict entry, d = 0.9999 (1 - exp(-updates / 2000))."""

    def __init__(self, model, decay=0.9999, tau=2000):
        self.ema = deepcopy(model).eval()
        for p in self.ema.parameters():
            p.requires_grad_(False)
        self.updates, self.decay, self.tau = 0, decay, tau

    def update(self, model):
        with torch.no_grad():
            self.updates += 1
            d = self.decay * (1 - math.exp(-self.updates / self.tau))
            msd = model.state_dict()
            for k, v in self.ema.state_dict().items():
                if v.dtype.is_floating_point:
                    v *= d
                    v += (1 - d) * msd[k].detach()


def read_targets(path):
    """Rows 'image class cx cy w h' (lines starting with # are comments)."""
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                rows.append([float(v) for v in line.split()])
    return torch.tensor(rows, dtype=torch.float32).view(-1, 6)


def detection(args, graph, device):
    shape = graph["inputs"][0]["shape"]
    imgsz = shape[1]
    out_channels = {n["name"]: n["attrs"].get("outChannels") for n in graph["nodes"]}
    nc = out_channels[graph["outputs"][0]] // 3 - 5
    model = DetectView(graph).to(device)
    targets = read_targets(args.targets).to(device)
    if targets.shape[0] and int(targets[:, 0].max()) >= args.batch:
        raise ValueError("--targets: image index %d is not below --batch %d" % (int(targets[:, 0].max()), args.batch))
    x = torch.rand(args.batch, *shape, device=device)
    accumulate = max(round(args.nominal_batch / args.batch), 1)
    opt = yolov5_optimizer(model, 0.01, 0.937, 5e-4 * args.batch * accumulate / args.nominal_batch)
    loss_fn = yolov5_compute_loss(args.yolov5, model, nc, imgsz) if args.yolov5 else YoloLoss(nc, imgsz, device)
    ema = None if args.no_ema else ModelEma(model)
    state = {"i": 0, "last": -1, "steps": 0, "mloss": torch.zeros(3, device=device)}

    def train_step():  # train.py's loop body, data loading and AMP (off on a CPU) aside
        i = state["i"]
        loss, items = loss_fn(model(x), targets)
        loss.backward()
        if i - state["last"] >= accumulate:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=10.0)
            opt.step()
            opt.zero_grad()
            if ema is not None:
                ema.update(model)
            state["last"] = i
            state["steps"] += 1
        state["mloss"] = (state["mloss"] * i + items) / (i + 1)
        state["i"] = i + 1

    def phase(iterations, seconds, multiple):
        """At least `iterations` steps and `seconds`, and a multiple of `multiple`: any k * accumulate
        consecutive iterations hold exactly k optimizer steps; returns (iterations, elapsed)."""
        n = 0
        t0, c0 = time.perf_counter(), time.process_time()
        while n < iterations or time.perf_counter() - t0 < seconds or n % multiple:
            train_step()
            n += 1
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        return n, time.perf_counter() - t0, time.process_time() - c0

    model.train()
    opt.zero_grad()
    phase(args.warmup, args.warmup_seconds, 1)
    steps0 = state["steps"]
    iters, elapsed, cpu = phase(args.iters, args.seconds, accumulate)
    return {"model": graph["name"], "task": "detection", "train_img_s": round(args.batch * iters / elapsed, 2),
            "train_img_cpu_s": round(args.batch * iters / cpu, 3),
            "threads": args.threads, "interop": args.interop, "batch": args.batch, "input": shape,
            "targets": int(targets.shape[0]), "accumulate": accumulate, "ema": ema is not None,
            "loss": "yolov5" if args.yolov5 else "torch_reference", "train_iters": iters,
            "optimizer_steps": state["steps"] - steps0, "mean_loss": [round(v, 5) for v in state["mloss"].tolist()],
            "device": str(device), "torch": torch.__version__}


def latency(args, graph, device):
    """Median and p90 milliseconds per batch of eval-mode inference under no_grad, per batch size:
    `--warmup` untimed passes, then `--runs` timed ones, each ending once the output exists (a GPU is
    synchronised), percentiles interpolated as numpy's default, as LatencyBench computes them."""
    model = GraphModule(graph).to(device).eval()
    shape = graph["inputs"][0]["shape"]
    out = {}
    with torch.no_grad():
        for b in (int(v) for v in args.latency.split(",")):
            x = torch.randn(b, *shape, device=device)
            for _ in range(args.warmup):
                model(x)
            ms = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                model(x)
                if device.type == "cuda":
                    torch.cuda.synchronize(device)
                ms.append((time.perf_counter() - t0) * 1e3)
            ms.sort()
            out[str(b)] = {"median_ms": round(percentile(ms, 0.5), 4), "p90_ms": round(percentile(ms, 0.9), 4)}
    return {"model": graph["name"], "latency": out, "threads": args.threads, "runs": args.runs, "warmup": args.warmup,
            "device": str(device), "torch": torch.__version__}


def percentile(sorted_values, q):
    pos = q * (len(sorted_values) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (pos - lo) * (sorted_values[hi] - sorted_values[lo])


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
    p.add_argument("--task", choices=("classification", "detection"), default="classification")
    p.add_argument("--targets", help="detection: target rows 'image class cx cy w h', one per line")
    p.add_argument("--nominal-batch", type=int, default=64, help="detection: gradients accumulate to this many images a step")
    p.add_argument("--no-ema", action="store_true", help="detection: no ModelEMA update after each optimizer step")
    p.add_argument("--yolov5", help="detection: a YOLOv5 v7.0 checkout whose utils/loss.py ComputeLoss replaces this script's")
    p.add_argument("--latency", help="inference latency only, at these batch sizes (e.g. 1,32): median and p90 of --runs"
                   " timed passes after --warmup passes, as `topiary engine latency` measures it")
    p.add_argument("--runs", type=int, default=50, help="latency: timed passes per batch size")
    args = p.parse_args()
    if args.task == "detection" and not args.targets:
        p.error("--task detection needs --targets FILE")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.interop)
    torch.manual_seed(0)
    with open(args.graph) as f:
        graph = json.load(f)
    device = torch.device(args.device)

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

    if args.task == "detection":
        print(json.dumps(detection(args, graph, device)))
        return
    if args.latency:
        print(json.dumps(latency(args, graph, device)))
        return
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
