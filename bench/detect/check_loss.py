"""YOLOv5's own ComputeLoss on fixed random head maps and targets: writes the fixture that
engine's YoloLossReferenceTest compares Topiary's YoloLoss with (loss parts and the gradient of
the total with respect to every map value).

Usage: /usr/bin/python3 check_loss.py YOLOV5_DIR OUT_DIR
YOLOV5_DIR is a checkout of ultralytics/yolov5 at v7.0 (utils/loss.py as in v6.2); only
utils/loss.py and utils/metrics.py run: the modules they import for other purposes are stubbed.
"""
import json
import math
import os
import sys
import types

import numpy as np
import torch

YOLOV5, OUT = sys.argv[1], sys.argv[2]
sys.path.insert(0, YOLOV5)
plt = types.ModuleType("matplotlib.pyplot")
sys.modules["matplotlib"] = types.ModuleType("matplotlib")
sys.modules["matplotlib.pyplot"] = plt
torch_utils = types.ModuleType("utils.torch_utils")
torch_utils.de_parallel = lambda m: m
sys.modules["utils.torch_utils"] = torch_utils
from utils.loss import ComputeLoss  # noqa: E402

ANCHORS = [[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119], [116, 90, 156, 198, 373, 326]]
STRIDES = [8, 16, 32]


class Detect(torch.nn.Module):
    """The attributes of models/yolo.py's Detect that ComputeLoss reads; anchors in grid units."""

    def __init__(self, nc):
        super().__init__()
        self.nc, self.nl, self.na = nc, 3, 3
        self.stride = torch.tensor(STRIDES, dtype=torch.float32)
        self.anchors = torch.tensor(ANCHORS, dtype=torch.float32).view(3, 3, 2) / self.stride.view(-1, 1, 1)
        self.w = torch.nn.Parameter(torch.zeros(1))


class Model(torch.nn.Module):
    def __init__(self, nc, imgsz):
        super().__init__()
        self.model = torch.nn.ModuleList([Detect(nc)])
        nl = 3  # train.py's scaling of hyp.scratch-low.yaml
        self.hyp = {"box": 0.05 * 3 / nl, "cls": 0.5 * nc / 80 * 3 / nl, "obj": 1.0 * (imgsz / 640) ** 2 * 3 / nl,
                    "anchor_t": 4.0, "cls_pw": 1.0, "obj_pw": 1.0, "fl_gamma": 0.0, "label_smoothing": 0.0}


def targets_for(rng, batch, nc, count):
    """Random boxes plus hand-placed ones: near cell corners, on the border, two sharing a cell."""
    rows = []
    for _ in range(count):
        w, h = rng.uniform(0.04, 0.9), rng.uniform(0.04, 0.9)
        rows.append([rng.integers(batch), rng.integers(nc), rng.uniform(w / 2, 1 - w / 2), rng.uniform(h / 2, 1 - h / 2), w, h])
    rows.append([0, nc - 1, 0.26, 0.74, 0.2, 0.25])     # near a level-0 cell corner
    rows.append([0, 0, 0.27, 0.73, 0.22, 0.3])          # same cells and anchors: the later write wins
    rows.append([batch - 1, 0, 0.999, 0.001, 0.1, 0.05])  # on the border
    rows.append([batch - 1, nc - 1, 0.5, 0.5, 1.0, 1.0])  # the whole image
    return np.array(rows, dtype=np.float32)


def case(name, seed, batch, nc, imgsz, count):
    rng = np.random.default_rng(seed)
    model = Model(nc, imgsz)
    maps, views = [], []
    for s in STRIDES:
        g = imgsz // s
        m = torch.tensor(rng.normal(0, 1.5, size=(batch, 3 * (5 + nc), g, g)).astype(np.float32), requires_grad=True)
        maps.append(m)
        views.append(m.view(batch, 3, 5 + nc, g, g).permute(0, 1, 3, 4, 2))  # Detect's training-mode view
    targets = targets_for(rng, batch, nc, count)
    total, items = ComputeLoss(model)(views, torch.from_numpy(targets))
    total.backward()
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    for i, m in enumerate(maps):
        np.save(os.path.join(d, f"map{i}.npy"), m.detach().numpy())
        np.save(os.path.join(d, f"grad{i}.npy"), m.grad.numpy())
    np.save(os.path.join(d, "targets.npy"), targets)
    expected = {"batch": batch, "numClasses": nc, "imageSize": imgsz, "total": float(total),
                "box": float(items[0]), "obj": float(items[1]), "cls": float(items[2])}
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print(name, json.dumps(expected))


torch.manual_seed(0)
case("three-classes", 1, 2, 3, 64, 12)
case("one-class", 2, 1, 1, 96, 6)
