#!/usr/bin/env python3
"""Writes the TorchScript module the engine runs for libtorch functions that DJL 0.32 does not expose.

engine/src/main/resources/dev/topiary/engine/exec/hardtanh.pt: forward(x, min, max) = hardtanh(x, min,
max), the op behind torch.nn.ReLU6 and Hardtanh. DJL only has clamp, whose backward in libtorch is four
passes (ge, le, logical_and, where with a broadcast zero) where hardtanh_backward is one; see
exec/ScriptedOps.java. The module has no parameters, so any torch that writes TorchScript will do; the
committed file was written by Debian's torch 1.13 and loads in libtorch 2.5.1.

Usage (from the repository root): python3 bench/torchscript_ops.py
"""
import torch

OUT = "engine/src/main/resources/dev/topiary/engine/exec/hardtanh.pt"


class Hardtanh(torch.nn.Module):
    def forward(self, x: torch.Tensor, min_val: torch.Tensor, max_val: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.hardtanh(x, float(min_val), float(max_val))


if __name__ == "__main__":
    torch.jit.save(torch.jit.script(Hardtanh()), OUT)
    print(OUT)
