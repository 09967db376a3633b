#!/usr/bin/env python3
"""Writes the TorchScript modules the engine runs for libtorch functions that DJL 0.32 does not expose.

engine/src/main/resources/dev/topiary/engine/exec/channels_last.pt: forward(x) = x in channels-last memory
order (NHWC strides, the same logical [N, C, H, W] tensor; x itself when it already is). libtorch's CPU
convolutions (oneDNN), pooling and batch norm run faster on it; DJL 0.32 has no memory-format call. See
exec/OpKernels.java.

engine/src/main/resources/dev/topiary/engine/exec/hardswish.pt: forward(x) = hardswish(x), torch.nn.Hardswish:
libtorch's own forward and backward (one pass each) where the composite x * relu6(x + 3) / 6 took
four ops and a gradient that differed from libtorch's at x = -3 and 3.

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
1e-12 * S.max()^2, far above its rounding. Maps certified full rank by a Cholesky of the shifted Gram
matrix skip eigvalsh (ResNet-56: the maps before the residual add are nearly all full rank at 16x16
and 8x8; a 16x16 Cholesky costs about a fifth of its eigvalsh). Gram matrices of side 4 or less (VGG's 4x4 and 2x2
maps: 65,536 of them a batch, where one LAPACK call per matrix costs more than its arithmetic) are
ranked across the batch without LAPACK: side 2 in closed form, sides 3 and 4 by Sylvester's law of
inertia (the positive pivots of an LDL^T of G - tau I, at the two bounds of the tolerance that the
diagonal and the trace give); a map whose count is not decided by both bounds, or whose pivots do not
stand clear of their rounding, goes to eigvalsh.

engine/src/main/resources/dev/topiary/engine/exec/sgd_step.pt: forward(params, grads, decay_params,
decay_grads, bufs, lr, weight_decay, momentum, undamped, nesterov): one step of torch.optim.SGD over lists
of tensors with torch's multi-tensor (_foreach) kernels, the same float32 operations as engine/train/Sgd's
per-parameter update (so the same weights bit for bit), then zeroes the gradients. One native call a
step instead of six or more per parameter: on a GPU those calls, not the kernels, bounded training.

The modules have no parameters, so any torch that writes TorchScript will do; the committed files were
written by Debian's torch 1.13 and load in libtorch 2.5.1.

Usage (from the repository root): python3 bench/torchscript_ops.py
"""
from typing import List, Tuple

import torch

DIR = "engine/src/main/resources/dev/topiary/engine/exec/"


class ChannelsLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last)


class Hardswish(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.hardswish(x)


class Hardtanh(torch.nn.Module):
    def forward(self, x: torch.Tensor, min_val: torch.Tensor, max_val: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.hardtanh(x, float(min_val), float(max_val))


def _inertia(flat: torch.Tensor, tau: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per symmetric float64 matrix [M, n, n], the number of eigenvalues above tau [M] (Sylvester's law
    of inertia: the positive pivots of an unpivoted LDL^T of G - tau I, eliminated across the batch),
    and whether every pivot stands clear of its rounding (a pivot within 16 n eps of the magnitudes
    that made it, each carrying the relative uncertainty of the pivots before it, could have either
    sign)."""
    n = flat.size(-1)
    eps = 2.220446049250313e-16
    eye = torch.eye(n, dtype=flat.dtype, device=flat.device)
    work = flat - tau[:, None, None] * eye
    scale = flat.diagonal(dim1=-2, dim2=-1).abs() + tau[:, None]
    count = torch.zeros([flat.size(0)], dtype=torch.int64, device=flat.device)
    safe = torch.ones([flat.size(0)], dtype=torch.bool, device=flat.device)
    for k in range(n):
        d = work[:, k, k]
        count += (d > 0).long()
        safe &= d.abs() > (16.0 * n * eps) * scale[:, k]
        if k + 1 < n:
            col = work[:, k + 1:, k]
            mult = col / torch.where(d == 0, torch.ones_like(d), d)[:, None]
            work[:, k + 1:, k + 1:] -= mult[:, :, None] * col[:, None, :]
            # the update carries the pivot's own uncertainty (scale / |d|) into every later pivot: a tiny
            # pivot with a large multiplier leaves them all uncertain, and such a map goes to eigvalsh
            spread = 1.0 + scale[:, k] / torch.where(d == 0, torch.zeros_like(d), d.abs())
            scale[:, k + 1:] += (mult * col).abs() * spread[:, None]
    return count, safe


def _small_ranks(flat: torch.Tensor, rtol: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """Ranks of PSD Gram matrices [M, n, n] with n <= 4 (eigenvalues above rtol * the largest), without
    a LAPACK call per matrix, and which of them are decided; eigvalsh ranks the others."""
    n = flat.size(-1)
    diag = flat.diagonal(dim1=-2, dim2=-1)
    trace = diag.sum(-1)
    if n == 1:
        return (trace > 0).long(), torch.ones_like(trace, dtype=torch.bool)
    if n == 2:
        # closed form: the larger eigenvalue, and the smaller as det / larger (no cancellation);
        # the determinant is within a few eps * top^2 of exact
        a = flat[:, 0, 0]
        c = flat[:, 1, 1]
        b = flat[:, 0, 1]
        half = (a - c) * 0.5
        top = (a + c) * 0.5 + torch.sqrt(half * half + b * b)
        nonzero = top > 0
        low = torch.where(nonzero, (a * c - b * b) / torch.where(nonzero, top, torch.ones_like(top)), torch.zeros_like(top))
        tau = rtol * top
        eps = 2.220446049250313e-16
        return nonzero.long() + (low > tau).long(), ~nonzero | ((low - tau).abs() > 64.0 * eps * top)
    # the largest eigenvalue lies between the largest diagonal entry and the trace: counted at the
    # trace's tolerance, a full rank is decided; a smaller count is decided when the diagonal's agrees
    hi, safe_hi = _inertia(flat, rtol * trace)
    empty = trace == 0
    ranks = torch.where(empty, torch.zeros_like(hi), hi)
    decided = empty | (safe_hi & (hi == n))
    rest = (~decided).nonzero().squeeze(1)
    if rest.numel() > 0:
        sub = flat.index_select(0, rest)
        lo, safe_lo = _inertia(sub, rtol * sub.diagonal(dim1=-2, dim2=-1).amax(-1))
        decided[rest] = safe_lo & safe_hi.index_select(0, rest) & (lo == hi.index_select(0, rest))
    return ranks, decided


class MatrixRankSums(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            b = x.size(0)
            c = x.size(1)
            h = x.size(-2)
            w = x.size(-1)
            # one pass to float64 in NCHW order: maps in channels-last order (the engine's CPU convolutions'
            # output) would give matmul [H, W] matrices with a column stride of C, which it copies map by map
            d = x.to(torch.float64, memory_format=torch.contiguous_format)
            if h <= w:
                gram = torch.matmul(d, d.transpose(-1, -2))
            else:
                gram = torch.matmul(d.transpose(-1, -2), d)
            n = gram.size(-1)
            rtol = (max(h, w) * 1.1920928955078125e-07) ** 2
            flat = gram.reshape(b * c, n, n)
            if n <= 4:
                # small maps (VGG's 4x4 and 2x2): one LAPACK call per map costs more than the arithmetic
                ranks, decided = _small_ranks(flat, rtol)
                rest = ~decided
                if bool(rest.any()):
                    ranks[rest] = torch.linalg.matrix_rank(flat[rest], rtol=rtol, hermitian=True)
                return ranks.reshape(b, c).sum(0)
            # full rank, certified: G - tau I positive definite with tau = rtol * trace(G) >= rtol * max
            # eigenvalue puts every eigenvalue above the tolerance; a Cholesky costs a fraction of eigvalsh.
            # Tried on the whole chunk only when it certifies most of the first image's channels.
            eye = torch.eye(n, dtype=torch.float64, device=x.device)
            tau = rtol * flat.diagonal(dim1=-2, dim2=-1).sum(-1)
            _, info = torch.linalg.cholesky_ex(flat[:c] - tau[:c, None, None] * eye)
            if int((info == 0).sum()) * 4 >= 3 * c:
                _, info = torch.linalg.cholesky_ex(flat - tau[:, None, None] * eye)
                ranks = torch.full([b * c], n, dtype=torch.int64, device=x.device)
                rest = info != 0
                if bool(rest.any()):
                    ranks[rest] = torch.linalg.matrix_rank(flat[rest], rtol=rtol, hermitian=True)
            else:
                ranks = torch.linalg.matrix_rank(flat, rtol=rtol, hermitian=True)
            return ranks.reshape(b, c).sum(0)


class SgdStep(torch.nn.Module):
    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], decay_params: List[torch.Tensor],
                decay_grads: List[torch.Tensor], bufs: List[torch.Tensor], lr: float, weight_decay: float,
                momentum: float, undamped: float, nesterov: bool) -> None:
        with torch.no_grad():
            if weight_decay != 0.0 and len(decay_params) > 0:
                torch._foreach_add_(decay_grads, torch._foreach_mul(decay_params, weight_decay))
            directions = grads
            if momentum != 0.0:
                torch._foreach_mul_(bufs, momentum)
                if undamped == 1.0:
                    torch._foreach_add_(bufs, grads)
                else:
                    torch._foreach_add_(bufs, torch._foreach_mul(grads, undamped))
                if nesterov:
                    torch._foreach_add_(grads, torch._foreach_mul(bufs, momentum))
                else:
                    directions = bufs
            torch._foreach_sub_(params, torch._foreach_mul(directions, lr))
            torch._foreach_zero_(grads)


if __name__ == "__main__":
    for name, module in (("channels_last.pt", ChannelsLast()), ("hardswish.pt", Hardswish()), ("hardtanh.pt", Hardtanh()),
                         ("matrix_rank.pt", MatrixRankSums()), ("sgd_step.pt", SgdStep())):
        torch.jit.save(torch.jit.script(module), DIR + name)
        print(DIR + name)
