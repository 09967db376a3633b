#!/usr/bin/env python3
"""Writes the TorchScript modules the engine runs for libtorch functions that DJL 0.32 does not expose.

engine/src/main/resources/dev/topiary/engine/exec/hardtanh.pt: forward(x, min, max) = hardtanh(x, min,
max), the op behind torch.nn.ReLU6 and Hardtanh. DJL only has clamp, whose backward in libtorch is four
passes (ge, le, logical_and, where with a broadcast zero) where hardtanh_backward is one; see
exec/ScriptedOps.java.

engine/src/main/resources/dev/topiary/engine/exec/matrix_rank.pt: forward(x) = the sum over the batch of
torch.linalg.matrix_rank of every [H, W] map of a [B, C, H, W] float tensor, shape [C], int64: HRank's
rank kernel, in float32 with torch's default tolerance (S.max() * max(H, W) * eps), one native call per
chunk of images instead of a Python loop over maps. DJL has no SVD.

The modules have no parameters, so any torch that writes TorchScript will do; the committed files were
written by Debian's torch 1.13 and load in libtorch 2.5.1.

Usage (from the repository root): python3 bench/torchscript_ops.py
"""
import torch

DIR = "engine/src/main/resources/dev/topiary/engine/exec/"


class Hardtanh(torch.nn.Module):
    def forward(self, x: torch.Tensor, min_val: torch.Tensor, max_val: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.hardtanh(x, float(min_val), float(max_val))


class MatrixRankSums(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return torch.linalg.matrix_rank(x).sum(0)


if __name__ == "__main__":
    for name, module in (("hardtanh.pt", Hardtanh()), ("matrix_rank.pt", MatrixRankSums())):
        torch.jit.save(torch.jit.script(module), DIR + name)
        print(DIR + name)
