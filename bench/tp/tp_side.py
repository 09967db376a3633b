#!/usr/bin/env python3
"""The PyTorch and Torch-Pruning side of bench/accuracy-vs-tp.sh (issue 17's protocol).

The network is built from a Topiary graph.json with bench/torch_reference.py's GraphModule, so both
sides run the same architecture, and weights cross between them as Topiary's weights.safetensors
(parameter names `<node>.weight|bias|gamma|beta|running_mean|running_var`).

Data, as Topiary's engine feeds Fashion-MNIST to a 3x32x32 model (InputFit.pipeline): pixels / 255,
zero-padded 28 -> 32, in training a random crop with 4 pixels of zero padding and a horizontal flip,
normalised by the mean and std of the training images (one channel), replicated to 3 channels.

Subcommands (each prints one JSON line):
  baseline --graph G --init W --out DIR [--epochs 10 --lr 0.1]   train from W's weights, write DIR
  prune --tp TP_DIR --model DIR --out DIR [--speed-up 2 --epochs 5 --lr 0.01 --max-ratio 1.0]
        Torch-Pruning's global L1 (MagnitudeImportance(p=1), its defaults: mean group reduction, mean
        normalizer), stepped in 400 small steps until the MACs are 1/speed-up of the original, as
        Torch-Pruning's reproduce/main.py does; then fine-tune and write DIR (graph.json with the
        pruned channel counts, weights.safetensors)
  eval --model DIR                                                top-1 on the 10,000 test images
"""
import argparse
import gzip
import json
import os
import shutil
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from torch_reference import GraphModule  # noqa: E402

FMNIST = "/usr/share/datasets/fashion-mnist"
PARAMS = {"Conv": ("weight", "bias"), "Gemm": ("weight", "bias")}
BN = (("gamma", "weight"), ("beta", "bias"), ("running_mean", "running_mean"), ("running_var", "running_var"))


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


class Data:
    def __init__(self, root=FMNIST):
        self.xtr = torch.from_numpy(idx(f"{root}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
        self.ytr = torch.from_numpy(idx(f"{root}/train-labels-idx1-ubyte.gz").astype(np.int64))
        self.xte = torch.from_numpy(idx(f"{root}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
        self.yte = torch.from_numpy(idx(f"{root}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
        # Topiary's InputFit.meanStd: over the 28x28 training pixels, float64, population std
        self.mean = float(self.xtr.double().mean())
        self.std = float(self.xtr.double().std(unbiased=False))

    def fit(self, x):
        """[N, 28, 28] in [0, 1] -> [N, 3, 32, 32] normalised (pad before normalising, as Pad then Normalize)."""
        x = F.pad(x, (2, 2, 2, 2)).unsqueeze(1)
        return ((x - self.mean) / self.std).expand(-1, 3, -1, -1)

    def train_batches(self, batch, gen):
        order = torch.randperm(len(self.xtr), generator=gen)
        for s in range(0, len(order), batch):
            ids = order[s:s + batch]
            x = F.pad(self.xtr[ids], (2, 2, 2, 2))             # 32x32
            x = F.pad(x, (4, 4, 4, 4))                          # RandomCrop(32, padding 4)
            n = len(ids)
            oy = torch.randint(0, 9, (n,), generator=gen)
            ox = torch.randint(0, 9, (n,), generator=gen)
            flip = torch.rand(n, generator=gen) < 0.5
            out = torch.empty(n, 32, 32)
            for i in range(n):
                crop = x[i, oy[i]:oy[i] + 32, ox[i]:ox[i] + 32]
                out[i] = crop.flip(-1) if flip[i] else crop
            out = ((out - self.mean) / self.std).unsqueeze(1).expand(-1, 3, -1, -1).contiguous()
            yield out, self.ytr[ids]


def load(model_dir):
    with open(os.path.join(model_dir, "graph.json")) as f:
        graph = json.load(f)
    model = GraphModule(graph)
    tensors = read_safetensors(os.path.join(model_dir, "weights.safetensors"))
    with torch.no_grad():
        for n in graph["nodes"]:
            mod = model.mods[n["name"].replace(".", "_")] if n["name"].replace(".", "_") in model.mods else None
            if n["op"] in PARAMS:
                for p in PARAMS[n["op"]]:
                    key = f"{n['name']}.{p}"
                    if key in tensors:
                        getattr(mod, p).copy_(tensors[key])
            elif n["op"] == "BatchNormalization":
                for ours, theirs in BN:
                    getattr(mod, theirs).copy_(tensors[f"{n['name']}.{ours}"])
    return graph, model


def save(graph, model, src_dir, out_dir):
    """graph.json with the module's channel counts, weights.safetensors, the source's history.json."""
    os.makedirs(out_dir, exist_ok=True)
    graph = json.loads(json.dumps(graph))
    tensors = {}
    for n in graph["nodes"]:
        key = n["name"].replace(".", "_")
        mod = model.mods[key] if key in model.mods else None
        if n["op"] == "Conv":
            n["attrs"]["outChannels"] = mod.out_channels
            n["attrs"]["groups"] = mod.groups
        if n["op"] in PARAMS:
            for p in PARAMS[n["op"]]:
                if getattr(mod, p, None) is not None:
                    tensors[f"{n['name']}.{p}"] = getattr(mod, p).detach()
        elif n["op"] == "BatchNormalization":
            for ours, theirs in BN:
                tensors[f"{n['name']}.{ours}"] = getattr(mod, theirs).detach()
    with open(os.path.join(out_dir, "graph.json"), "w") as f:
        json.dump(graph, f, indent=2)
    write_safetensors(os.path.join(out_dir, "weights.safetensors"), tensors, graph["name"])
    hist = os.path.join(src_dir, "history.json")
    if os.path.exists(hist) and os.path.abspath(src_dir) != os.path.abspath(out_dir):
        shutil.copy(hist, os.path.join(out_dir, "history.json"))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        if v["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {k} is {v['dtype']}, expected F32")
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").copy()).reshape(v["shape"])
    return out


def write_safetensors(path, tensors, graph_name):
    header, blobs, off = {}, [], 0
    for k in sorted(tensors):
        raw = tensors[k].contiguous().float().numpy().astype("<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(tensors[k].shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    header["__metadata__"] = {"format": "topiary-weights", "graph": graph_name}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


def evaluate(model, data, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(data.xte), batch):
            correct += (model(data.fit(data.xte[s:s + batch])).argmax(1) == data.yte[s:s + batch]).sum().item()
    return correct / len(data.xte)


def train(model, data, epochs, lr, seed, log):
    """SGD momentum 0.9, Nesterov, weight decay 5e-4 on every parameter, cosine per iteration, batch 128."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps = epochs * ((len(data.xtr) + 127) // 128)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    for epoch in range(epochs):
        model.train()
        t0, seen, total = time.time(), 0, 0.0
        for x, y in data.train_batches(128, gen):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            sched.step()
            seen += len(y)
            total += loss.item() * len(y)
        acc = evaluate(model, data)
        log(f"epoch {epoch + 1}/{epochs}: loss {total / seen:.4f}, top-1 {100 * acc:.2f}%, {seen / (time.time() - t0):.0f} img/s")


def macs(model, shape):
    """Conv and Gemm multiply-accumulates of one image, as Topiary's FlopsCounter counts them."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += out.numel() // out.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += m.in_features * m.out_features
    hs = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, *shape))
    for h in hs:
        h.remove()
    return total[0]


def tp_prune(args, graph, model, log):
    sys.path.insert(0, os.path.abspath(args.tp))
    import torch_pruning as tp
    shape = graph["inputs"][0]["shape"]
    example = torch.randn(1, *shape)
    classes = [m for m in model.modules() if isinstance(m, nn.Linear) and m.out_features == 10]
    pruner = tp.pruner.MagnitudePruner(model, example, importance=tp.importance.MagnitudeImportance(p=1),
                                       iterative_steps=400, pruning_ratio=1.0, max_pruning_ratio=args.max_ratio,
                                       global_pruning=True, ignored_layers=classes)
    base, _ = tp.utils.count_ops_and_params(model, example_inputs=example)
    speed_up = 1.0
    model.eval()
    while speed_up < args.speed_up:
        pruner.step()
        ops, _ = tp.utils.count_ops_and_params(model, example_inputs=example)
        speed_up = base / ops
        if pruner.current_step == pruner.iterative_steps:
            break
    log(f"Torch-Pruning {getattr(tp, '__version__', '?')}: {pruner.current_step} steps, speed-up x{speed_up:.3f} by its counter")
    return model


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=("baseline", "prune", "eval"))
    p.add_argument("--graph")
    p.add_argument("--init", help="baseline: weights.safetensors to start from")
    p.add_argument("--model", help="prune, eval: a model folder")
    p.add_argument("--out")
    p.add_argument("--tp", help="prune: a Torch-Pruning checkout")
    p.add_argument("--epochs", type=int)
    p.add_argument("--lr", type=float)
    p.add_argument("--speed-up", type=float, default=2.0)
    p.add_argument("--max-ratio", type=float, default=1.0, help="Torch-Pruning's max_pruning_ratio (its default 1.0)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    log = lambda s: print("# " + s, file=sys.stderr, flush=True)  # noqa: E731
    data = Data()
    t0 = time.time()
    if args.command == "baseline":
        src = os.path.dirname(os.path.abspath(args.init))
        graph, model = load(src)
        train(model, data, 10 if args.epochs is None else args.epochs, args.lr or 0.1, args.seed, log)
        save(graph, model, src, args.out)
        result = {"top1": evaluate(model, data)}
    elif args.command == "prune":
        graph, model = load(args.model)
        shape = graph["inputs"][0]["shape"]
        before = {"top1": evaluate(model, data), "macs": macs(model, shape), "params": sum(q.numel() for q in model.parameters())}
        tp_prune(args, graph, model, log)
        cut = {"top1": evaluate(model, data), "macs": macs(model, shape), "params": sum(q.numel() for q in model.parameters())}
        log(f"cut: {cut}")
        train(model, data, 5 if args.epochs is None else args.epochs, args.lr or 0.01, args.seed, log)
        save(graph, model, args.model, args.out)
        result = {"before": before, "cut": cut, "top1": evaluate(model, data), "macs": macs(model, shape),
                  "params": sum(q.numel() for q in model.parameters())}
    else:
        graph, model = load(args.model)
        result = {"top1": evaluate(model, data), "macs": macs(model, graph["inputs"][0]["shape"])}
    result.update({"command": args.command, "seconds": round(time.time() - t0, 1), "torch": torch.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
