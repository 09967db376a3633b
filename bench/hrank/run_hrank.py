#!/usr/bin/env python3
"""Runs HRank's own rank_generation.py, unchanged, on the model and images that
`topiary engine bench-hrank --out BENCH` wrote, and times its rank-generation loop.

HRank (github.com/lmbxmu/HRank) is read from a checkout outside this repository (--hrank); nothing
of it is copied here. The script is run with runpy as __main__ with its own arguments
(--arch, --limit, --resume); only its surroundings are replaced:
  * torch.load returns the Topiary weights as HRank's checkpoint {'state_dict': ...} (BN
    gamma/beta -> weight/bias, num_batches_tracked added);
  * torch.utils.data.DataLoader returns the Topiary batches (in order, no augmentation), and
    torchvision's CIFAR10 is a stub, so nothing is downloaded;
  * 'stty size' answers 24 80 while HRank's utils.py is imported (it needs a terminal);
  * torch.matrix_rank, removed in torch 1.13, is torch.linalg.matrix_rank: the same rule (rank =
    number of singular values > S.max() * max(h, w) * eps(float32)) that HRank's torch 1.x had;
  * with --relucfg conv, models.vgg.relucfg lists the ReLU after each of the 13 convs instead of
    HRank's shipped list (which hooks 4 max pools and misses the last conv).
Torch runs with --threads intra-op and --interop inter-op threads. Before the timed part, one
untimed forward pass of HRank's model on batch 0 and one torch.matrix_rank call warm torch up.
Timed (wall and process CPU): from HRank's first register_forward_hook call to the end of the
script, i.e. its loop of "hook one layer, run --limit batches, np.save the mean ranks" over all
layers.

Writes BENCH/hrank[-conv].json: seconds, torch version and threads, and per rank file the node it
measured (a Topiary node name) and its mean ranks.

Usage: /usr/bin/python3 bench/hrank/run_hrank.py --hrank /tmp/hrank --bench BENCH --arch vgg_16_bn
"""
import argparse
import contextlib
import io
import json
import os
import runpy
import sys
import time

import numpy as np
import torch

VGG_CONV_RELUS = [2, 5, 9, 12, 16, 19, 22, 26, 29, 32, 36, 39, 42]


def read_safetensors(path):
    """name -> float32 numpy array, from a safetensors file of F32 tensors."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        assert t["dtype"] == "F32", (name, t["dtype"])
        start, end = t["data_offsets"]
        out[name] = np.frombuffer(raw, dtype="<f4", count=(end - start) // 4, offset=8 + n + start).reshape(t["shape"])
    return out


def torch_state_dict(weights):
    """Topiary weight names -> torch state_dict names (BN gamma/beta are weight/bias)."""
    sd = {}
    for name, a in weights.items():
        node, role = name.rsplit(".", 1)
        role = {"gamma": "weight", "beta": "bias"}.get(role, role)
        sd[node + "." + role] = torch.from_numpy(a.copy())
        if role == "running_var":
            sd[node + ".num_batches_tracked"] = torch.tensor(0)
    return sd


def hooked_nodes(arch, net):
    """Topiary node names of the modules HRank hooks, in the order of its rank_conv<i>.npy files."""
    if arch == "vgg_16_bn":
        names = list(net.features._modules.keys())
        return ["features." + names[i] for i in net.relucfg]
    nodes = ["relu"]
    for stage in range(3):
        for block in range(9):
            nodes += ["layer%d.%d.relu1" % (stage + 1, block), "layer%d.%d.relu2" % (stage + 1, block)]
    return nodes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--hrank", required=True, help="HRank checkout (outside this repo)")
    p.add_argument("--bench", required=True, help="folder written by topiary engine bench-hrank")
    p.add_argument("--arch", required=True, choices=["vgg_16_bn", "resnet_56"])
    p.add_argument("--relucfg", default="shipped", choices=["shipped", "conv"],
                   help="vgg_16_bn: HRank's relucfg as shipped, or the ReLU after each conv")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--interop", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.interop)

    bench = os.path.abspath(args.bench)
    hrank = os.path.abspath(args.hrank)
    batches = read_safetensors(os.path.join(bench, "batches.safetensors"))
    limit = sum(1 for k in batches if k.startswith("batch"))
    loader = [(torch.from_numpy(batches["batch%d" % i].copy()), torch.from_numpy(batches["labels%d" % i].copy()).long())
              for i in range(limit)]
    state_dict = torch_state_dict(read_safetensors(os.path.join(bench, "model", "weights.safetensors")))

    sys.path.insert(0, hrank)
    popen = os.popen
    os.popen = lambda cmd, *a: io.StringIO("24 80") if cmd.startswith("stty") else popen(cmd, *a)
    import utils  # noqa: F401  (HRank's; reads the terminal size on import)
    os.popen = popen
    import models
    import torchvision
    if args.relucfg == "conv":
        models.vgg.relucfg = VGG_CONV_RELUS
    torchvision.datasets.CIFAR10 = lambda *a, **k: None
    torch.utils.data.DataLoader = lambda *a, **k: loader
    torch.load = lambda *a, **k: {"state_dict": state_dict}
    torch.matrix_rank = lambda m: torch.linalg.matrix_rank(m)

    # warm-up, untimed: one forward pass of HRank's model and one matrix_rank
    net = getattr(models, args.arch)(compress_rate=[0.0] * 100)
    net.load_state_dict(state_dict)
    net.eval()
    with torch.no_grad():
        net(loader[0][0])
    torch.matrix_rank(torch.ones(4, 4))

    start = []
    register = torch.nn.Module.register_forward_hook

    def timed_register(self, hook, *a, **k):
        if not start:
            start.extend([time.perf_counter(), time.process_time()])
        return register(self, hook, *a, **k)

    torch.nn.Module.register_forward_hook = timed_register
    run_dir = os.path.join(bench, "hrank-run-" + args.relucfg)
    os.makedirs(os.path.join(run_dir, "rank_conv"), exist_ok=True)
    os.chdir(run_dir)
    sys.argv = ["rank_generation.py", "--arch", args.arch, "--limit", str(limit), "--resume", "topiary-weights",
                "--gpu", "0"]
    with open("stdout.log", "w") as log, contextlib.redirect_stdout(log):
        runpy.run_path(os.path.join(hrank, "rank_generation.py"), run_name="__main__")
    seconds = time.perf_counter() - start[0]
    cpu_seconds = time.process_time() - start[1]
    torch.nn.Module.register_forward_hook = register

    out_dir = os.path.join("rank_conv", "%s_limit%d" % (args.arch, limit))
    nodes = hooked_nodes(args.arch, net)
    ranks = {}
    for i, node in enumerate(nodes, start=1):
        f = os.path.join(out_dir, "rank_conv%d.npy" % i)
        ranks["rank_conv%d" % i] = {"node": node, "ranks": np.load(f).tolist()}
    assert not os.path.exists(os.path.join(out_dir, "rank_conv%d.npy" % (len(nodes) + 1)))
    doc = {"arch": args.arch, "relucfg": args.relucfg, "seconds": seconds, "cpu_seconds": cpu_seconds, "torch": torch.__version__,
           "threads": torch.get_num_threads(), "interop": torch.get_num_interop_threads(),
           "images": sum(len(b[0]) for b in loader), "ranks": ranks}
    name = "hrank.json" if args.relucfg == "shipped" else "hrank-conv.json"
    with open(os.path.join(bench, name), "w") as f:
        json.dump(doc, f, indent=1)
    print("%s: HRank rank_generation.py loop %.2f s (CPU %.2f s) over %d layers, %d images; wrote %s"
          % (args.arch, seconds, cpu_seconds, len(nodes), doc["images"], os.path.join(bench, name)))


if __name__ == "__main__":
    main()
