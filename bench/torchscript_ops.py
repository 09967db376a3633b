#!/usr/bin/env python3
"""Writes the TorchScript modules the engine runs for libtorch functions that DJL 0.32 does not expose.

engine/src/main/resources/dev/topiary/engine/exec/channels_last.pt: forward(x) = x in channels-last memory
order (NHWC strides, the same logical [N, C, H, W] tensor; x itself when it already is). libtorch's CPU
convolutions (oneDNN), pooling and batch norm run faster on it; DJL 0.32 has no memory-format call. See
exec/OpKernels.java.

engine/src/main/resources/dev/topiary/engine/exec/hardswish.pt: forward(x) = hardswish(x), torch.nn.Hardswish:
libtorch's own forward and backward (one pass each) where the composite x * relu6(x + 3) / 6 took
four ops and a gradient that differed from libtorch's at x = -3 and 3.

engine/src/main/resources/dev/topiary/engine/exec/silu.pt: forward(x) = silu(x), torch.nn.SiLU (YOLOv5's
activation): libtorch's one-pass forward and backward where the composite x * sigmoid(x) took two ops
forward and five backward (fwd + bwd of a [32, 32, 32, 32] tensor on one thread: 3.0 ms against 19.8).

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

engine/src/main/resources/dev/topiary/engine/exec/slow_conv2d.pt: forward(x, w, b, p) = conv2d(x, w, b) with
p = [stride h, w, padding h, w, dilation h, w, groups] (float64) and an empty b for no bias, through
libtorch's im2col-and-gemm kernels (thnn_conv2d, slow_conv_dilated2d; a loop over groups) instead of
oneDNN, with their own backward. Two to five times slower than oneDNN; see conv_check.pt.

engine/src/main/resources/dev/topiary/engine/exec/conv_check.pt: forward(x, w, b, p) with p as above plus
[backward (0 or 1), tolerance]: whether libtorch's oneDNN convolution computes conv2d(x, w, b) (and, when
backward, the gradients of x, w and b for a fixed output gradient) on these shapes. Returns float64
[d, e_nchw, e_nhwc]: d the largest difference, relative to the values' scale, between the two
oneDNN routes, x in contiguous (NCHW) and in channels-last (NHWC) memory order (NaN where either has
one); e_* each route's difference from slow_conv2d's values, computed only when d exceeds the tolerance or the two orders are
the same memory (one channel, or one pixel), else -1; [-2, -1, -1] when x, w or b holds a NaN or an
infinity, which leaves nothing to judge by. libtorch 2.5.1's oneDNN (v3.5.3) returns wrong
values for some shapes on the CPUs we run on (zeroes in the padded tail of a blocked reorder); see
exec/CpuConvRoutes.java.

The modules have no parameters, so any torch that writes TorchScript will do; the committed files were
written by Debian's torch 1.13 and load in libtorch 2.5.1.

Usage (from the repository root): python3 bench/torchscript_ops.py
"""
from typing import List, Optional, Tuple

import torch

DIR = "engine/src/main/resources/dev/topiary/engine/exec/"


class ChannelsLast(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.contiguous(memory_format=torch.channels_last)


class Hardswish(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.hardswish(x)


class Silu(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch._C._nn.silu(x)


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


def _slow_conv2d_group(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor], stride: List[int],
                      padding: List[int], dilation: List[int]) -> torch.Tensor:
    kernel = [w.size(2), w.size(3)]
    if dilation[0] == 1 and dilation[1] == 1:
        return torch._C._nn.thnn_conv2d(x, w, kernel, b, stride, padding)
    return torch._C._nn.slow_conv_dilated2d(x, w, kernel, b, stride, padding, dilation)


def _slow_conv2d(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor], stride: List[int], padding: List[int],
                 dilation: List[int], groups: int) -> torch.Tensor:
    # NCHW: libtorch 2.5.1's slow_conv2d backward fails on channels-last input ("grad_weight must be
    # contiguous"), and one memory order for every caller keeps the kernels' choice the same
    x = x.reshape([-1]).reshape(x.shape)
    if groups == 1:
        return _slow_conv2d_group(x, w, b, stride, padding, dilation)
    xs = x.chunk(groups, 1)
    ws = w.chunk(groups, 0)
    outs: List[torch.Tensor] = []
    for g in range(groups):
        bg: Optional[torch.Tensor] = None
        if b is not None:
            bg = b.chunk(groups, 0)[g]
        outs.append(_slow_conv2d_group(xs[g], ws[g], bg, stride, padding, dilation))
    return torch.cat(outs, 1)


def _bias(b: torch.Tensor) -> Optional[torch.Tensor]:
    if b.numel() == 0:
        return None
    return b


class SlowConv2d(torch.nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        return _slow_conv2d(x, w, _bias(b), [int(p[0]), int(p[1])], [int(p[2]), int(p[3])], [int(p[4]), int(p[5])],
                            int(p[6]))


def _conv_route(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor], stride: List[int], padding: List[int],
                dilation: List[int], groups: int, route: int, dy: Optional[torch.Tensor]) -> List[torch.Tensor]:
    """The output, then with dy the gradients of x, w (and b): route 0 oneDNN on NCHW x, 1 on NHWC x, 2 slow;
    x put in each memory order by the same ops as engine/exec/OpKernels.conv."""
    backward = dy is not None
    xa = x.detach().requires_grad_(backward)
    wa = w.detach().requires_grad_(backward)
    leaves = [xa, wa]
    ba: Optional[torch.Tensor] = None
    if b is not None:
        bd = b.detach().requires_grad_(backward)
        leaves.append(bd)
        ba = bd
    if route == 2:
        y = _slow_conv2d(xa, wa, ba, stride, padding, dilation, groups)
    elif route == 1:
        y = torch.conv2d(xa.contiguous(memory_format=torch.channels_last), wa, ba, stride, padding, dilation, groups)
    else:
        # exactly as OpKernels.conv makes it NCHW: contiguous() would leave a channels-last [N, C, 1, 1]
        # array (contiguous either way) with its strides, which libtorch then takes as NHWC
        y = torch.conv2d(xa.reshape([-1]).reshape(xa.shape), wa, ba, stride, padding, dilation, groups)
    out = [y.detach()]
    if dy is not None:
        grad_outputs: List[Optional[torch.Tensor]] = [dy]
        for g in torch.autograd.grad([y], leaves, grad_outputs):
            assert g is not None
            out.append(g)
    return out


def _relative(a: List[torch.Tensor], b: List[torch.Tensor]) -> float:
    """The largest |a - b| over the largest |b|, array by array; NaN when any value is NaN."""
    worst = 0.0
    for i in range(len(b)):
        scale = max(float(b[i].abs().max()), 1e-30)
        e = float((a[i] - b[i]).abs().max()) / scale
        if e != e or e > worst:
            worst = e
        if worst != worst:
            break
    return worst


class ConvCheck(torch.nn.Module):
    def forward(self, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
        stride = [int(p[0]), int(p[1])]
        padding = [int(p[2]), int(p[3])]
        dilation = [int(p[4]), int(p[5])]
        groups = int(p[6])
        tolerance = float(p[8])
        bias = _bias(b)
        finite = bool(torch.isfinite(x).all()) and bool(torch.isfinite(w).all())
        if bias is not None:
            finite = finite and bool(torch.isfinite(bias).all())
        if not finite:
            return torch.tensor([-2.0, -1.0, -1.0], dtype=torch.float64)  # nothing to judge the routes by
        dy: Optional[torch.Tensor] = None
        if int(p[7]) == 1:
            oh = (x.size(2) + 2 * padding[0] - dilation[0] * (w.size(2) - 1) - 1) // stride[0] + 1
            ow = (x.size(3) + 2 * padding[1] - dilation[1] * (w.size(3) - 1) - 1) // stride[1] + 1
            shape = [x.size(0), w.size(0), oh, ow]
            n = shape[0] * shape[1] * oh * ow
            dy = torch.sin(torch.arange(n, dtype=x.dtype, device=x.device) * 0.37 + 0.1).reshape(shape)
        nchw = _conv_route(x, w, bias, stride, padding, dilation, groups, 0, dy)
        nhwc = _conv_route(x, w, bias, stride, padding, dilation, groups, 1, dy)
        d = _relative(nhwc, nchw)
        e_nchw = -1.0
        e_nhwc = -1.0
        # not (d <= tolerance): a NaN (from garbage in a padded block) is a disagreement
        if not d <= tolerance or x.size(1) == 1 or x.size(2) * x.size(3) == 1:
            slow = _conv_route(x, w, bias, stride, padding, dilation, groups, 2, dy)
            e_nchw = _relative(nchw, slow)
            e_nhwc = _relative(nhwc, slow)
        return torch.tensor([d, e_nchw, e_nhwc], dtype=torch.float64)


if __name__ == "__main__":
    for name, module in (("channels_last.pt", ChannelsLast()), ("hardswish.pt", Hardswish()), ("silu.pt", Silu()), ("hardtanh.pt", Hardtanh()),
                         ("matrix_rank.pt", MatrixRankSums()), ("sgd_step.pt", SgdStep()), ("slow_conv2d.pt", SlowConv2d()),
                         ("conv_check.pt", ConvCheck())):
        torch.jit.save(torch.jit.script(module), DIR + name)
        print(DIR + name)
