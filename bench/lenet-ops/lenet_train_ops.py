"""LeNet-5's training calls one by one (batch 128), forward and backward; twin of LenetTrainOps.java."""
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.set_num_interop_threads(1)
WARMUP, TIMED = 50, 300


def timed(name, leaves, g, call):
    total = 0.0
    for i in range(WARMUP + TIMED):
        ls = [leaf.detach().clone().requires_grad_(True) for leaf in leaves]
        t0 = time.perf_counter()
        (call(ls) * g).sum().backward()
        if i >= WARMUP:
            total += time.perf_counter() - t0
    print("%-8s %7.0f us" % (name, total / TIMED * 1e6))


x = torch.randn(128, 3, 32, 32)
w1, b1 = torch.randn(6, 3, 5, 5), torch.randn(6)
p1, w2, b2 = torch.randn(128, 6, 14, 14), torch.randn(16, 6, 5, 5), torch.randn(16)
r1, r2 = torch.randn(128, 6, 28, 28).clamp_min(0), torch.randn(128, 16, 10, 10).clamp_min(0)
f, l1, c1 = torch.randn(128, 400), torch.randn(120, 400), torch.randn(120)
timed("conv1", [w1, b1], torch.randn(128, 6, 28, 28), lambda l: F.conv2d(x, l[0], l[1]))
timed("relu1", [r1], torch.randn(128, 6, 28, 28), lambda l: F.relu(l[0]))
timed("pool1", [r1], torch.randn(128, 6, 14, 14), lambda l: F.max_pool2d(l[0], 2, 2))
timed("conv2", [p1, w2, b2], torch.randn(128, 16, 10, 10), lambda l: F.conv2d(l[0], l[1], l[2]))
timed("pool2", [r2], torch.randn(128, 16, 5, 5), lambda l: F.max_pool2d(l[0], 2, 2))
timed("linear1", [f, l1, c1], torch.randn(128, 120), lambda l: F.linear(l[0], l[1], l[2]))
