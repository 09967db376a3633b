#!/usr/bin/env python3
"""Exports torchvision ResNet-18, ResNet-50 and MobileNetV2 at 3x224x224 for bench/onnx/bench.sh.

Weights are torchvision's random initialisation (seeded; nothing is downloaded), with every
BatchNorm given a non-trivial state. For each model it writes, into --out:
  <name>.onnx          BN preserved (training=PRESERVE, do_constant_folding=False): what a user
                       exports to prune (slimming needs the BNs);
  <name>-folded.onnx   the default eval export (BN folded), the deployment baseline;
  <name>.input.npy     a [1, 3, 224, 224] input, and <name>.output.npy PyTorch's output for it;
  <name>.params        sum(p.numel() for p in model.parameters()).
Run with Debian's Python: /usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14).
"""
import argparse
import os

import numpy as np
import torch
import torchvision


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = torch.rand(c, generator=gen) + 0.5
            m.bias.data = torch.randn(c, generator=gen) * 0.1
            m.running_mean = torch.randn(c, generator=gen) * 0.1
            m.running_var = torch.rand(c, generator=gen) * 1.5 + 0.5


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True)
    p.add_argument("--models", nargs="*", default=["resnet18", "resnet50", "mobilenet_v2"])
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    for name in args.models:
        torch.manual_seed(0)
        gen = torch.Generator().manual_seed(1)
        model = getattr(torchvision.models, name)(weights=None)
        randomize_bn(model, gen)
        model.eval()
        x = torch.randn(1, 3, 224, 224, generator=gen)
        with torch.no_grad():
            y = model(x)
        base = os.path.join(args.out, name)
        np.save(base + ".input.npy", x.numpy().astype(np.float32))
        np.save(base + ".output.npy", y.numpy().astype(np.float32))
        with open(base + ".params", "w") as f:
            f.write(str(sum(q.numel() for q in model.parameters())) + "\n")
        axes = {"input": {0: "batch"}, "output": {0: "batch"}}
        torch.onnx.export(model, x, base + ".onnx", opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes=axes, training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
        torch.onnx.export(model, x, base + "-folded.onnx", opset_version=13, input_names=["input"],
                          output_names=["output"], dynamic_axes=axes)
        print(f"{name}: {os.path.getsize(base + '.onnx'):,} bytes, {open(base + '.params').read().strip()} parameters")


if __name__ == "__main__":
    main()
