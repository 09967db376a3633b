#!/usr/bin/env python3
"""LeNet-5's inference ops one by one on Debian's python3-torch (the PyTorch side of bench/lenet-ops/run.sh).

Batch 128 of 3x32x32, 2 intra-op / 1 inter-op threads, no autograd: microseconds per call, mean of 300
calls after 50 warm-up calls. LenetOps.java times the same calls through DJL's libtorch 2.5.1.
"""
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.set_num_interop_threads(1)
torch.manual_seed(0)


def timed(name, f, n=300):
    for _ in range(50):
        f()
    start = time.perf_counter()
    for _ in range(n):
        f()
    print("%-11s %8.1f us" % (name, (time.perf_counter() - start) / n * 1e6))


with torch.no_grad():
    x = torch.randn(128, 3, 32, 32)
    w1, b1 = torch.randn(6, 3, 5, 5), torch.randn(6)
    w2, b2 = torch.randn(16, 6, 5, 5), torch.randn(16)
    l1, c1 = torch.randn(120, 400), torch.randn(120)
    r1 = F.relu(F.conv2d(x, w1, b1))
    p1 = F.max_pool2d(r1, 2, 2)
    r2 = F.relu(F.conv2d(p1, w2, b2))
    flat = F.max_pool2d(r2, 2, 2).reshape(128, -1)
    print("# torch %s" % torch.__version__)
    timed("conv1", lambda: F.conv2d(x, w1, b1))
    timed("relu1", lambda: F.relu(r1))
    timed("pool1", lambda: F.max_pool2d(r1, 2, 2))
    timed("conv2", lambda: F.conv2d(p1, w2, b2))
    timed("pool2", lambda: F.max_pool2d(r2, 2, 2))
    timed("gemm1", lambda: F.linear(flat, l1, c1))
    timed("pool1-tiled", lambda: torch.maximum(torch.maximum(r1[..., 0::2, 0::2], r1[..., 0::2, 1::2]),
                                               torch.maximum(r1[..., 1::2, 0::2], r1[..., 1::2, 1::2])))
