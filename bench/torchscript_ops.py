#!/usr/bin/env python3
"""Writes the TorchScript modules the engine runs for libtorch functions that DJL 0.32 does not expose.

engine/src/main/resources/dev/topiary/engine/exec/hardtanh.pt: forward(x, min, max) = hardtanh(x, min,
max), the op behind torch.nn.ReLU6 and Hardtanh. DJL only has clamp, whose backward in libtorch is four
passes (ge, le, logical_and, where with a broadcast zero) where hardtanh_backward is one; see
exec/ScriptedOps.java.

engine/src/main/resources/dev/topiary/engine/exec/matrix_rank.pt: forward(x) = per channel, the sum over
the batch of the rank of every [H, W] map of a [B, C, H, W] float tensor, shape [C], int64: HRank's rank
kernel (the number of singular values above S.max() * max(H, W) * eps(float32), torch.matrix_rank's
tolerance), one native call per chunk of images instead of a Python loop over maps. DJL has no SVD. The
singular values are taken as the square roots of the eigenvalues of the map's Gram matrix in float64
(A A^T, the smaller side): eigvalsh of a symmetric matrix costs less than an SVD (on ResNet-56's maps,
7.1 s against 8.7 s), and float64 resolves the squared tolerance, (max(H, W) * eps)^2 * S.max()^2 >=
1e-12 * S.max()^2, far above its rounding.

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
            h = x.size(-2)
            w = x.size(-1)
            d = x.double()
            if h <= w:
                gram = torch.matmul(d, d.transpose(-1, -2))
            else:
                gram = torch.matmul(d.transpose(-1, -2), d)
            rtol = (max(h, w) * 1.1920928955078125e-07) ** 2
            return torch.linalg.matrix_rank(gram, rtol=rtol, hermitian=True).sum(0)


if __name__ == "__main__":
    for name, module in (("hardtanh.pt", Hardtanh()), ("matrix_rank.pt", MatrixRankSums())):
        torch.jit.save(torch.jit.script(module), DIR + name)
        print(DIR + name)
