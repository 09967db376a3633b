#!/usr/bin/python3
"""Exports small ONNX test fixtures and PyTorch reference outputs for the engine's ONNX loader tests.

Usage: /usr/bin/python3 bench/onnx/export_fixtures.py [--out engine/src/test/resources/onnx]

Needs Debian's python3-torch (1.13), python3-torchvision (0.14) and python3-onnx (1.12); see README.md.
Every family is a tiny nn.Module in eval mode with randomized BatchNorm state; each is exported with
BN preserved (training=PRESERVE, do_constant_folding=False) and BN folded (default eval export,
do_constant_folding=True) at opsets 11 and 13 (resnet also at 17, BN preserved), plus three
loader variants of resnet-bn-op13 (external data, typed float_data, fp16 initializers + Cast).
"""
import argparse
import io
import json
import os
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

torch.set_num_threads(1)
torch.set_num_interop_threads(1)

SEED = 20240613


# ----------------------------------------------------------------------------------------------
# helpers

def randomize_norms(model, gen):
    """Puts every BatchNorm (and affine InstanceNorm) into a non-trivial state."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            c = m.num_features
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_(0.1 * torch.randn(c, generator=gen))
                m.running_mean.copy_(0.1 * torch.randn(c, generator=gen))
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))
        elif isinstance(m, nn.InstanceNorm2d) and m.affine:
            c = m.num_features
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_(0.1 * torch.randn(c, generator=gen))


def conv_bn(cin, cout, k=3, s=1, groups=1, act=None):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act is not None:
        layers.append(act)
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------------------------
# 1. resnet

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = nn.Sequential(BasicBlock(8, 8, 1))
        self.layer2 = nn.Sequential(BasicBlock(8, 16, 2), BasicBlock(16, 16, 1))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer2(self.layer1(x))
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


# ----------------------------------------------------------------------------------------------
# 2. invres

class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        self.block = nn.Sequential(
            conv_bn(cin, hidden, 1, act=nn.ReLU6(inplace=True)),
            conv_bn(hidden, hidden, 3, stride, groups=hidden, act=nn.ReLU6(inplace=True)),
            conv_bn(hidden, cout, 1),
        )

    def forward(self, x):
        y = self.block(x)
        return x + y if self.use_res else y


class InvRes(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = conv_bn(3, 8, 3, 1, act=nn.ReLU6(inplace=True))
        self.blocks = nn.Sequential(
            InvertedResidual(8, 8, 1, 3),
            InvertedResidual(8, 16, 2, 3),
            InvertedResidual(16, 16, 1, 3),
        )
        self.last = conv_bn(16, 32, 1, act=nn.ReLU6(inplace=True))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(32, num_classes)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.last(self.blocks(self.stem(x)))
        x = torch.flatten(self.pool(x), 1)
        return self.softmax(self.fc(self.dropout(x)))


# ----------------------------------------------------------------------------------------------
# 3. se

class SEConv(nn.Module):
    """Squeeze-excitation with 1x1 convs and Hardsigmoid (MobileNetV3 style)."""

    def __init__(self, c, r):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, r, 1)
        self.relu = nn.ReLU(inplace=True)
        self.fc2 = nn.Conv2d(r, c, 1)
        self.gate = nn.Hardsigmoid()

    def forward(self, x):
        s = self.gate(self.fc2(self.relu(self.fc1(self.pool(x)))))
        return x * s


class SELinear(nn.Module):
    """Squeeze-excitation with ReduceMean, Linear layers, sigmoid and a view back to [b, c, 1, 1]."""

    def __init__(self, c, r):
        super().__init__()
        self.fc1 = nn.Linear(c, r)
        self.fc2 = nn.Linear(r, c)

    def forward(self, x):
        b, c = x.size(0), x.size(1)
        s = x.mean((2, 3))
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        return x * s.view(b, c, 1, 1)


class SENet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.stem = conv_bn(3, 8, 3, 1, act=nn.Hardswish())
        self.expand = conv_bn(8, 32, 1, act=nn.Hardswish())
        self.dw = conv_bn(32, 32, 3, 2, groups=32, act=nn.Hardswish())
        self.se1 = SEConv(32, 8)
        self.project = conv_bn(32, 16, 1)
        self.lrelu = nn.LeakyReLU(0.1)
        self.conv2 = conv_bn(16, 24, 3, 1)
        self.se2 = SELinear(24, 8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(24, num_classes)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = self.stem(x)
        x = self.se1(self.dw(self.expand(x)))
        x = self.lrelu(self.project(x))
        x = self.se2(self.conv2(x))
        x = x * 0.5 + 0.25
        x = torch.flatten(self.pool(x), 1)
        return self.fc(x)


# ----------------------------------------------------------------------------------------------
# 4. inception

class InceptionBlock(nn.Module):
    def __init__(self, cin):
        super().__init__()
        relu = lambda: nn.ReLU(inplace=True)
        self.b1 = conv_bn(cin, 8, 1, act=relu())
        self.b2 = nn.Sequential(conv_bn(cin, 8, 1, act=relu()), conv_bn(8, 12, 3, act=relu()))
        self.b3 = nn.Sequential(conv_bn(cin, 4, 1, act=relu()), conv_bn(4, 6, 5, act=relu()))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_bn(cin, 6, 1, act=relu()))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class Inception(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = conv_bn(3, 16, 3, 1, act=nn.ReLU(inplace=True))  # 32x32
        self.pool1 = nn.MaxPool2d(3, 2, ceil_mode=True)  # 32 -> 16
        self.inc = InceptionBlock(16)  # -> 32 channels
        self.pool2 = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)  # 16 -> 8
        self.conv = conv_bn(32, 24, 3, 1, act=nn.ReLU(inplace=True))
        self.pool3 = nn.AvgPool2d(2)  # 8 -> 4
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(24, num_classes)

    def forward(self, x):
        x = self.pool1(self.stem(x))
        x = torch.clamp(self.inc(x), -1, 3)
        x = self.pool3(self.conv(self.pool2(x)))
        return self.fc(torch.flatten(self.gap(x), 1))


# ----------------------------------------------------------------------------------------------
# 5. dense

class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(cin)
        self.conv1 = nn.Conv2d(cin, 4 * growth, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(4 * growth)
        self.conv2 = nn.Conv2d(4 * growth, growth, 3, 1, 1, bias=False)

    def forward(self, x):
        y = self.conv1(F.relu(self.bn1(x)))
        y = self.conv2(F.relu(self.bn2(y)))
        return torch.cat([x, y], 1)


class DenseNet(nn.Module):
    def __init__(self, num_classes=10, growth=8):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        c = 16
        layers = []
        for _ in range(3):
            layers.append(DenseLayer(c, growth))
            c += growth
        self.block = nn.Sequential(*layers)
        self.trans = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU(inplace=True), nn.Conv2d(c, c // 2, 1, bias=False),
                                   nn.AvgPool2d(2))
        c //= 2
        self.bn = nn.BatchNorm2d(c)
        self.gap = nn.AdaptiveAvgPool2d(1)
        g = torch.Generator().manual_seed(SEED + 55)
        self.w = nn.Parameter(0.2 * torch.randn(c, num_classes, generator=g))
        self.b = nn.Parameter(0.1 * torch.randn(num_classes, generator=g))

    def forward(self, x):
        x = self.trans(self.block(self.stem(x)))
        x = F.relu(self.bn(x))
        x = torch.flatten(self.gap(x), 1)
        return torch.matmul(x, self.w) + self.b


# ----------------------------------------------------------------------------------------------
# 6. yolo

class SigmoidMul(nn.Module):
    """SiLU spelled out as x * sigmoid(x)."""

    def forward(self, x):
        return x * torch.sigmoid(x)


class Conv(nn.Module):
    """YOLOv5 Conv: Conv2d(bias=False) + BN + SiLU."""

    def __init__(self, cin, cout, k=1, s=1, spelled=False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = SigmoidMul() if spelled else nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c, c, 1)
        self.cv2 = Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, cin, cout, n=1, shortcut=True):
        super().__init__()
        h = cout // 2
        self.cv1 = Conv(cin, h, 1)
        self.cv2 = Conv(cin, h, 1)
        self.cv3 = Conv(2 * h, cout, 1)
        self.m = nn.Sequential(*(Bottleneck(h, shortcut) for _ in range(n)))

    def forward(self, x):
        return self.cv3(torch.cat([self.m(self.cv1(x)), self.cv2(x)], 1))


class C2f(nn.Module):
    """Split variant: one 1x1 conv, split in two along channels (torch.chunk or Tensor.split with sizes),
    a bottleneck on one half, concat of the three, 1x1."""

    def __init__(self, cin, cout, chunk):
        super().__init__()
        self.c = cout // 2
        self.chunk = chunk
        self.cv1 = Conv(cin, 2 * self.c, 1)
        self.m = Bottleneck(self.c, True)
        self.cv2 = Conv(3 * self.c, cout, 1)

    def forward(self, x):
        y = self.cv1(x)
        a, b = torch.chunk(y, 2, dim=1) if self.chunk else y.split((self.c, self.c), 1)
        return self.cv2(torch.cat([a, b, self.m(b)], 1))


class SPPF(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        h = cin // 2
        self.cv1 = Conv(cin, h, 1)
        self.cv2 = Conv(4 * h, cout, 1)
        self.m = nn.MaxPool2d(5, 1, 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        y3 = self.m(y2)
        return self.cv2(torch.cat([x, y1, y2, y3], 1))


class Detect(nn.Module):
    def __init__(self, chs, na=3, nc=10):
        super().__init__()
        self.m = nn.ModuleList(nn.Conv2d(c, na * (5 + nc), 1) for c in chs)

    def forward(self, xs):
        return [m(x) for m, x in zip(self.m, xs)]


class Yolo(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = Conv(3, 8, 3, 2, spelled=True)  # 64 -> 32
        self.down1 = Conv(8, 16, 3, 2)  # 32 -> 16  (P3)
        self.c3_1 = C2f(16, 16, chunk=True)
        self.down2 = Conv(16, 24, 3, 2)  # 16 -> 8  (P4)
        self.c3_2 = C3(24, 24, 1)
        self.down3 = Conv(24, 32, 3, 2)  # 8 -> 4  (P5)
        self.c3_3 = C3(32, 32, 1)
        self.sppf = SPPF(32, 32)
        self.lat5 = Conv(32, 24, 1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.n4 = C2f(48, 24, chunk=False)  # cat(up(lat5), P4)
        self.lat4 = Conv(24, 16, 1)
        self.n3 = C3(32, 16, 1, shortcut=False)  # cat(up(lat4), P3)
        self.detect = Detect((16, 24, 32))

    def forward(self, x):
        x = self.stem(x)
        p3 = self.c3_1(self.down1(x))
        p4 = self.c3_2(self.down2(p3))
        p5 = self.sppf(self.c3_3(self.down3(p4)))
        l5 = self.lat5(p5)
        n4 = self.n4(torch.cat([self.up(l5), p4], 1))
        l4 = self.lat4(n4)
        n3 = self.n3(torch.cat([self.up(l4), p3], 1))
        out0, out1, out2 = self.detect([n3, n4, p5])
        return out0, out1, out2


# ----------------------------------------------------------------------------------------------
# 7. matting

class Matting(nn.Module):
    def __init__(self):
        super().__init__()
        relu = lambda: nn.ReLU(inplace=True)
        # low-resolution (semantic) branch with BN: 64 -> 32 -> 16
        self.lr1 = conv_bn(3, 16, 3, 2, act=relu())
        self.lr2 = conv_bn(16, 24, 3, 2, act=relu())
        self.lr3 = conv_bn(24, 24, 3, 1, act=relu())
        self.semantic = nn.Conv2d(24, 1, 1)
        self.lr_reduce = conv_bn(24, 16, 1, act=relu())
        # high-resolution (detail) branch with InstanceNorm: pad (0,1,0,1) then a stride-2 conv, 64 -> 32
        self.hr_conv = nn.Conv2d(3, 16, 3, 2, 0)
        self.hr_norm = nn.InstanceNorm2d(16, affine=True)
        # fusion at 32x32 of hr features, lr features and the 32x32 image
        self.fuse = conv_bn(16 + 16 + 3, 16, 3, 1, act=relu())
        self.out = nn.Conv2d(16, 1, 3, 1, 1)

    def forward(self, x):
        lr = self.lr3(self.lr2(self.lr1(x)))  # [b, 24, 16, 16]
        semantic = torch.sigmoid(self.semantic(lr))  # [b, 1, 16, 16]
        lr = F.interpolate(self.lr_reduce(lr), scale_factor=2, mode="bilinear", align_corners=False)  # 32x32
        hr = F.relu(self.hr_norm(self.hr_conv(F.pad(x, (0, 1, 0, 1)))))  # 32x32
        img = F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=True)
        f = self.fuse(torch.cat([hr, lr, img], 1))
        f = F.interpolate(f, scale_factor=2, mode="bilinear", align_corners=False)  # 64x64
        matte = torch.sigmoid(self.out(f))
        return matte, semantic


# ----------------------------------------------------------------------------------------------
# families

def mobilenetv2tv():
    return torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10)


FAMILIES = [
    # name, factory, input name, input shape (without batch), output names, op types every variant must have
    ("resnet", ResNet, "input", (3, 32, 32), ["output"],
     {"Conv", "Relu", "Add", "GlobalAveragePool", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape", "Gemm"}),
    ("invres", InvRes, "input", (3, 32, 32), ["output"],
     {"Conv", "Clip", "Add", "GlobalAveragePool", "Flatten", "Gemm", "Softmax"}),
    ("se", SENet, "input", (3, 32, 32), ["output"],
     {"Sub", "Div", "Conv", "HardSigmoid", "Mul", "Add", "GlobalAveragePool", "Relu", "ReduceMean", "Gemm",
      "Sigmoid", "LeakyRelu", "Reshape", "Flatten"}),
    ("inception", Inception, "input", (3, 32, 32), ["output"],
     {"Conv", "Relu", "MaxPool", "AveragePool", "Concat", "Clip", "GlobalAveragePool", "Gemm"}),
    ("dense", DenseNet, "input", (3, 32, 32), ["output"],
     {"Conv", "BatchNormalization", "Relu", "Concat", "AveragePool", "GlobalAveragePool", "Flatten", "MatMul",
      "Add"}),
    ("yolo", Yolo, "images", (3, 64, 64), ["out0", "out1", "out2"],
     {"Conv", "Sigmoid", "Mul", "Add", "Concat", "MaxPool", "Resize", "Split", "Slice"}),
    ("matting", Matting, "input", (3, 64, 64), ["matte", "semantic"],
     {"Conv", "Relu", "Resize", "InstanceNormalization", "Pad", "Concat", "Sigmoid"}),
    ("mobilenetv2tv", mobilenetv2tv, "input", (3, 32, 32), ["output"],
     {"Conv", "Clip", "Add", "GlobalAveragePool", "Flatten", "Gemm"}),
]

# (bn preserved?, opset) for every family; resnet also at opset 17
VARIANTS = [(True, 11), (False, 11), (True, 13), (False, 13)]
EXTRA = {"resnet": [(True, 17)]}
# torchvision's mobilenet_v2(width_mult=0.25) has 250k parameters (about 1 MB a file): to keep the folder near
# 4 MB only two of its variants are written unless --all-variants is given
REDUCED = {"mobilenetv2tv": [(True, 13), (False, 11)]}
# the one variant exported with a static batch of 2 (no dynamic axes)
STATIC = {("resnet", False, 11)}


def op_types(model):
    return sorted({n.op_type for n in model.graph.node})


def export(model, x, path, in_name, out_names, bn, opset, dynamic):
    kwargs = dict(input_names=[in_name], output_names=out_names, opset_version=opset)
    if dynamic:
        kwargs["dynamic_axes"] = {n: {0: "batch"} for n in [in_name] + out_names}
    if bn:
        kwargs.update(training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    else:
        kwargs.update(do_constant_folding=True)
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.onnx.export(model, (x,), buf, **kwargs)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return sorted({str(w.message).splitlines()[0][:160] for w in caught})


def bn_after_conv(m):
    """BatchNormalization nodes fed by a Conv whose output nothing else reads (what the folded export removes)."""
    producer = {o: n for n in m.graph.node for o in n.output}
    uses = {}
    for n in m.graph.node:
        for i in n.input:
            uses[i] = uses.get(i, 0) + 1
    return [n.name for n in m.graph.node if n.op_type == "BatchNormalization"
            and n.input[0] in producer and producer[n.input[0]].op_type == "Conv" and uses[n.input[0]] == 1]


def run_family(idx, fam, out_dir, entries, report, all_variants):
    name, factory, in_name, in_shape, out_names, required = fam
    torch.manual_seed(SEED + idx)
    model = factory()
    randomize_norms(model, torch.Generator().manual_seed(SEED + 100 + idx))
    model.eval()
    params = sum(p.numel() for p in model.parameters())
    x = torch.randn((2,) + tuple(in_shape), generator=torch.Generator().manual_seed(SEED + 200 + idx))
    with torch.no_grad():
        ref = model(x)
    refs = list(ref) if isinstance(ref, (tuple, list)) else [ref]
    assert len(refs) == len(out_names), name
    np.save(os.path.join(out_dir, f"{name}.input.npy"), np.ascontiguousarray(x.numpy().astype(np.float32)))
    outputs = []
    for n, r in zip(out_names, refs):
        npy = f"{name}.{n}.npy"
        np.save(os.path.join(out_dir, npy), np.ascontiguousarray(r.numpy().astype(np.float32)))
        outputs.append({"name": n, "shape": list(r.shape), "npy": npy})
    report["families"][name] = {"params": params, "opTypes": set()}
    print(f"== {name}: {params} params, input {list(x.shape)}, outputs {[o['shape'] for o in outputs]}")

    variants = VARIANTS if all_variants or name not in REDUCED else REDUCED[name]
    for bn, opset in variants + EXTRA.get(name, []):
        fname = f"{name}-{'bn' if bn else 'folded'}-op{opset}.onnx"
        path = os.path.join(out_dir, fname)
        dynamic = (name, bn, opset) not in STATIC
        try:
            warns = export(model, x, path, in_name, out_names, bn, opset, dynamic)
        except Exception as e:  # report and skip the variant
            report["skipped"].append(f"{fname}: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
            print(f"   SKIP {fname}: {e}")
            if os.path.exists(path):
                os.remove(path)
            continue
        m = onnx.load(path)
        onnx.checker.check_model(m)
        ops = op_types(m)
        n_bn = sum(1 for n in m.graph.node if n.op_type == "BatchNormalization")
        if bn:
            assert n_bn > 0, f"{fname}: no BatchNormalization preserved"
        else:
            assert not bn_after_conv(m), f"{fname}: BN after Conv not folded: {bn_after_conv(m)}"
            if n_bn:
                report["notes"].append(f"{fname}: {n_bn} BatchNormalization node(s) remain (their input is not a Conv read by the BN alone)")
        missing = (required - {"BatchNormalization"} if not bn else required) - set(ops)
        if name == "dense" and not bn:
            missing = missing - {"BatchNormalization"}
        if missing:
            report["notes"].append(f"{fname}: missing expected op types {sorted(missing)}")
        if name == "dense":
            assert "Gemm" not in ops, f"{fname}: matmul head exported as Gemm"
        # the module is unchanged by the export: same output again, bit for bit
        with torch.no_grad():
            again = model(x)
        again = list(again) if isinstance(again, (tuple, list)) else [again]
        assert all(torch.equal(a, r) for a, r in zip(again, refs)), f"{fname}: module output changed"
        assert model.training is False
        assert [o.name for o in m.graph.output] == out_names and m.graph.input[0].name == in_name
        for w in warns:
            report["warnings"].add(f"{name}: {w}")
        report["families"][name]["opTypes"].update(ops)
        entries.append({
            "file": fname, "family": name, "bn": bn, "opset": opset,
            "input": {"name": in_name, "shape": list(x.shape)},
            "outputs": outputs, "params": params, "dynamicBatch": dynamic, "opTypes": ops,
        })
        print(f"   {fname}: {len(m.graph.node)} nodes, {n_bn} BN, dynamic={dynamic}, ops={ops}")
    return outputs, params, x


# ----------------------------------------------------------------------------------------------
# loader variants of resnet-bn-op13

def float_initializers(m):
    return [t for t in m.graph.initializer if t.data_type == TensorProto.FLOAT]


def write_external(src, dst_dir):
    fname = "resnet-bn-op13-external.onnx"
    data = fname + ".data"
    m = onnx.load(src)
    for p in (os.path.join(dst_dir, fname), os.path.join(dst_dir, data)):
        if os.path.exists(p):
            os.remove(p)
    onnx.save_model(m, os.path.join(dst_dir, fname), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data, size_threshold=0, convert_attribute=False)
    onnx.checker.check_model(os.path.join(dst_dir, fname))
    check = onnx.load(os.path.join(dst_dir, fname), load_external_data=False)
    assert all(t.data_location == TensorProto.EXTERNAL for t in check.graph.initializer)
    assert len(check.graph.initializer) == len(m.graph.initializer)
    return fname


def write_typed(src, dst_dir):
    fname = "resnet-bn-op13-typed.onnx"
    m = onnx.load(src)
    for t in float_initializers(m):
        a = numpy_helper.to_array(t).astype(np.float32)
        t.ClearField("raw_data")
        t.float_data.extend(a.ravel().tolist())
    onnx.checker.check_model(m)
    onnx.save_model(m, os.path.join(dst_dir, fname))
    back = onnx.load(os.path.join(dst_dir, fname))
    orig = onnx.load(src)
    for a, b in zip(orig.graph.initializer, back.graph.initializer):
        assert np.array_equal(numpy_helper.to_array(a), numpy_helper.to_array(b))
    return fname


def write_fp16(src, dst_dir):
    fname = "resnet-bn-op13-fp16.onnx"
    m = onnx.load(src)
    graph_inputs = {i.name for i in m.graph.input}
    casts = []
    for t in float_initializers(m):
        assert t.name not in graph_inputs, t.name
        a = numpy_helper.to_array(t).astype(np.float16)
        name = t.name
        t.CopyFrom(numpy_helper.from_array(a, name + "_fp16"))
        casts.append(helper.make_node("Cast", [name + "_fp16"], [name], name="Cast_" + name + "_fp16",
                                      to=TensorProto.FLOAT))
    nodes = casts + list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save_model(m, os.path.join(dst_dir, fname))
    onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
    return fname


# ----------------------------------------------------------------------------------------------

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "..", "engine", "src", "test", "resources", "onnx"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=default_out, help="output folder (default %(default)s)")
    ap.add_argument("--all-variants", action="store_true",
                    help="also write the mobilenetv2tv variants left out by default (about 2 MB more)")
    ap.add_argument("--only", nargs="*", help="families to export (default all; fixtures.json then lists only those)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if not args.only:  # a full run rewrites the folder: drop fixtures an earlier run left that this one may not write
        for fn in os.listdir(args.out):
            if fn.endswith((".onnx", ".onnx.data", ".npy")) or fn == "fixtures.json":
                os.remove(os.path.join(args.out, fn))
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, onnx {onnx.__version__}, "
          f"numpy {np.__version__}; out {args.out}")

    entries = []
    report = {"families": {}, "skipped": [], "notes": [], "warnings": set()}
    for idx, fam in enumerate(FAMILIES):
        if args.only and fam[0] not in args.only:
            continue
        outputs, params, x = run_family(idx, fam, args.out, entries, report, args.all_variants)
        if fam[0] == "resnet":
            src = os.path.join(args.out, "resnet-bn-op13.onnx")
            base = next(e for e in entries if e["file"] == "resnet-bn-op13.onnx")
            for writer in (write_external, write_typed, write_fp16):
                fname = writer(src, args.out)
                m = onnx.load(os.path.join(args.out, fname), load_external_data=False)
                entries.append(dict(base, file=fname, opTypes=op_types(m)))
                report["families"]["resnet"]["opTypes"].update(op_types(m))
                print(f"   {fname}: ops={op_types(m)}")

    with open(os.path.join(args.out, "fixtures.json"), "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")

    print("\n== op types by family")
    for name, info in report["families"].items():
        print(f"{name} ({info['params']} params): {' '.join(sorted(info['opTypes']))}")
    print("\n== notes")
    for n in report["notes"]:
        print(" ", n)
    print("\n== skipped variants:", "none" if not report["skipped"] else "")
    for s in report["skipped"]:
        print(" ", s)
    print("\n== export warnings (first line each)")
    for w in sorted(report["warnings"]):
        print(" ", w)
    total = 0
    print("\n== files")
    for fn in sorted(os.listdir(args.out)):
        sz = os.path.getsize(os.path.join(args.out, fn))
        total += sz
        print(f"{sz:>9}  {fn}")
    print(f"{total:>9}  total ({total / 1024 / 1024:.2f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
