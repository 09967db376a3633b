"""Topiary's detection post-processing and metrics against the reference tools, on the same inputs.

Reads what `topiary engine check-detection-metrics --out WORK` wrote and checks:
  1. NMS: torchvision.ops.batched_nms on Topiary's candidates (the same floats) -> kept sets;
     the candidates themselves against YOLOv5 v6 Detect.forward + non_max_suppression's candidate
     step written here in torch, on the same head maps; and YOLOv5's whole NMS (argsort + class
     offset + torchvision.ops.nms) against Topiary's kept boxes.
  2. mAP: pycocotools' COCOeval (bbox, area 'all', maxDets 100), loaded from its source
     (PYCOCOTOOLS_DIR = cocoapi's PythonAPI), on the same ground truth and predictions.
  3. Where YOLOv5's own ap_per_class (trapezoid over 101 points) and val.py's matcher differ from
     COCOeval, on the same predictions (both written here from YOLOv5's utils/metrics.py and val.py).

Usage: check_metrics.py PYCOCOTOOLS_DIR WORK
"""
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import types

import numpy as np
import torch
import torchvision


def load_pycocotools(pythonapi):
    """COCO and COCOeval from the checkout; without a built _mask, bbox IoU from maskApi.c via ctypes."""
    sys.path.insert(0, pythonapi)
    notes = []
    if not hasattr(np, "float"):  # cocoeval.py's accumulate uses np.float, gone since numpy 1.24
        np.float = float
        notes.append("np.float aliased to float (cocoeval.py uses it; numpy %s removed it)" % np.__version__)
    try:
        import matplotlib  # noqa: F401  coco.py imports it for showAnns only
    except ImportError:
        for name, attrs in (("matplotlib", ()), ("matplotlib.pyplot", ()), ("matplotlib.collections", ("PatchCollection",)),
                            ("matplotlib.patches", ("Polygon",))):
            sys.modules[name] = types.ModuleType(name)
            for a in attrs:
                setattr(sys.modules[name], a, None)
        notes.append("matplotlib not installed: empty stand-ins for the modules coco.py imports (used by showAnns only)")
    try:
        import pycocotools._mask  # noqa: F401
        notes.append("pycocotools._mask: the built C extension")
    except ImportError:
        sys.modules["pycocotools._mask"] = mask_stub(os.path.join(pythonapi, "..", "common", "maskApi.c"), notes)
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval, notes


def mask_stub(mask_api_c, notes):
    """A pycocotools._mask with iou only: bbIou of maskApi.c compiled with gcc, or the same loop in Python."""
    stub = types.ModuleType("pycocotools._mask")
    for name in ("merge", "frPyObjects", "encode", "decode", "area", "toBbox"):
        setattr(stub, name, lambda *a, _n=name: (_ for _ in ()).throw(NotImplementedError(_n + ": not in the bbox stub")))
    bb_iou = None
    try:
        lib = os.path.join(tempfile.mkdtemp(), "libmaskapi.so")
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", lib, mask_api_c, "-lm"], check=True, capture_output=True)
        bb_iou = ctypes.CDLL(lib).bbIou
        bb_iou.restype = None
        notes.append("pycocotools._mask not built (no Cython here): mask.iou is a stub calling maskApi.c's bbIou, compiled with gcc")
    except (OSError, subprocess.CalledProcessError) as e:
        notes.append("pycocotools._mask not built (no Cython here): mask.iou is a pure-Python copy of bbIou (%s)" % e)

    def iou(dt, gt, iscrowd):
        dt = np.ascontiguousarray(dt, dtype=np.double).reshape(-1, 4)
        gt = np.ascontiguousarray(gt, dtype=np.double).reshape(-1, 4)
        m, n = len(dt), len(gt)
        if m == 0 or n == 0:
            return []
        crowd = np.ascontiguousarray(iscrowd, dtype=np.uint8)
        o = np.zeros(m * n, dtype=np.double)
        if bb_iou is not None:
            ptr = lambda a, t: a.ctypes.data_as(ctypes.POINTER(t))
            bb_iou(ptr(dt, ctypes.c_double), ptr(gt, ctypes.c_double), ctypes.c_ulong(m), ctypes.c_ulong(n),
                   ptr(crowd, ctypes.c_ubyte), ptr(o, ctypes.c_double))
        else:
            for g in range(n):
                G = gt[g]
                for d in range(m):
                    D = dt[d]
                    w = min(D[2] + D[0], G[2] + G[0]) - max(D[0], G[0])
                    h = min(D[3] + D[1], G[3] + G[1]) - max(D[1], G[1])
                    if w > 0 and h > 0:
                        i = w * h
                        o[g * m + d] = i / (D[2] * D[3] if crowd[g] else D[2] * D[3] + G[2] * G[3] - i)
        return o.reshape((m, n), order="F")

    stub.iou = iou
    return stub


# ---------------------------------------------------------------- NMS

def yolov5_candidates(doc, conf, multi_label):
    """Detect.forward (inference) then non_max_suppression's candidate step, per image: (boxes, scores, classes)."""
    nc = doc["classes"]
    no = nc + 5
    z = []
    for level, m in enumerate(doc["maps"]):
        bs, ch, ny, nx = m["shape"]
        na = ch // no
        x = torch.tensor(m["data"], dtype=torch.float32).view(bs, na, no, ny, nx).permute(0, 1, 3, 4, 2).contiguous()
        yv, xv = torch.meshgrid(torch.arange(ny, dtype=torch.float32), torch.arange(nx, dtype=torch.float32), indexing="ij")
        grid = torch.stack((xv, yv), 2).expand(1, na, ny, nx, 2) - 0.5
        anchor = torch.tensor(doc["anchors"][level], dtype=torch.float32).view(1, na, 1, 1, 2).expand(1, na, ny, nx, 2)
        s = x.sigmoid()
        xy = (s[..., 0:2] * 2 + grid) * doc["strides"][level]
        wh = (s[..., 2:4] * 2) ** 2 * anchor
        z.append(torch.cat((xy, wh, s[..., 4:]), 4).view(bs, -1, no))
    out = []
    for x in torch.cat(z, 1):
        x = x[x[:, 4] > conf].clone()
        x[:, 5:] *= x[:, 4:5]
        box = torch.cat((x[:, 0:2] - x[:, 2:4] / 2, x[:, 0:2] + x[:, 2:4] / 2), 1)
        if multi_label and nc > 1:
            i, j = (x[:, 5:] > conf).nonzero(as_tuple=False).T
            out.append((box[i], x[i, 5 + j], j))
        else:
            score, j = x[:, 5:].max(1)
            keep = score > conf
            out.append((box[keep], score[keep], j[keep]))
    return out


def check_nms(doc):
    print("== NMS: torchvision %s on the same candidates (%d images of random head maps, 128 px, %d classes)"
          % (torchvision.__version__, doc["maps"][0]["shape"][0], doc["classes"]))
    worst = {"sets": 0, "order": 0}
    for name in ("predict", "validate"):
        s = doc["nms"][name]
        ref = yolov5_candidates(doc, s["conf"], s["multiLabel"])
        counts, full_diff, set_diff, cut_ties, cand_diff, count_diff, y5_diff, y5_stable_diff = [], 0, 0, 0, 0.0, 0, 0, 0
        paths = set()
        for img, r in zip(s["images"], ref):
            c = torch.tensor(img["candidates"], dtype=torch.float32).view(-1, 6)
            counts.append(len(c))
            boxes, scores, cls = c[:, :4], c[:, 4], c[:, 5].long()
            # the candidates against YOLOv5's decode + candidate step, in the same order
            if len(r[0]) != len(c):
                count_diff += 1
            else:
                cand_diff = max(cand_diff, float((torch.cat((r[0], r[1][:, None], r[2][:, None].float()), 1) - c).abs().max()) if len(c) else 0.0)
            paths.add("vanilla (per class)" if boxes.numel() > 4000 else "coordinate trick")
            full = torchvision.ops.batched_nms(boxes, scores, cls, s["iou"]).tolist()
            full_diff += set(full) != set(img["keptAll"])
            mine, keep = img["kept"], full[: s["maxDet"]]
            if set(keep) != set(mine):
                set_diff += 1
                # batched_nms's final score sort is not stable: at the maxDet cut it may pick other tied boxes
                cut = float(scores[keep[-1]])
                cut_ties += (set(mine) <= set(full) and len(mine) == len(keep)
                             and {i for i in keep if scores[i] > cut} == {i for i in mine if scores[i] > cut}
                             and all(float(scores[i]) == cut for i in set(mine) ^ set(keep)))
            # YOLOv5's own NMS on its own candidates: argsort(descending) + class offset + nms, and with a stable sort
            ours = {tuple(c[i].tolist()) for i in mine}
            for stable in (False, True):
                order = torch.sort(r[1], descending=True, stable=True)[1] if stable else r[1].argsort(descending=True)
                b, sc, j = r[0][order], r[1][order], r[2][order]
                k = torchvision.ops.nms(b + j[:, None].float() * 7680, sc, s["iou"])[: s["maxDet"]]
                theirs = {tuple(v) for v in torch.cat((b[k], sc[k, None], j[k, None].float()), 1).tolist()}
                if stable:
                    y5_stable_diff += theirs != ours
                else:
                    y5_diff += theirs != ours
        n = len(s["images"])
        print("%-8s conf %.3g, iou %.2g, maxDet %d, %s: %d..%d candidates per image, batched_nms path: %s"
              % (name, s["conf"], s["iou"], s["maxDet"], "multi-label" if s["multiLabel"] else "best class",
                 min(counts), max(counts), " and ".join(sorted(paths))))
        print("         kept sets before the maxDet cut equal to batched_nms: %d/%d images (differing: %d)" % (n - full_diff, n, full_diff))
        print("         after the cut: equal in %d/%d; the other %d differ only in which boxes tied at the cut score are kept: %d"
              % (n - set_diff, n, set_diff, cut_ties))
        print("         candidates vs YOLOv5 Detect.forward + candidate step in torch: count differs in %d images, max |diff| %.3g"
              % (count_diff, cand_diff))
        print("         kept boxes equal to YOLOv5's non_max_suppression (argsort + offset + nms): %d/%d images; "
              "with a stable argsort: %d/%d" % (n - y5_diff, n, n - y5_stable_diff, n))
        worst["sets"] = max(worst["sets"], full_diff)
        worst["cut"] = worst.get("cut", 0) + set_diff - cut_ties
    return worst


# ---------------------------------------------------------------- metrics

def ap_per_class_yolov5(tp, conf, pred_cls, target_cls, eps=1e-16):
    """YOLOv5's ap_per_class: P and R at the best smoothed mean F1, AP by the trapezoid over 101 points."""
    i = np.argsort(-conf)
    tp, conf, pred_cls = tp[i], conf[i], pred_cls[i]
    classes, nt = np.unique(target_cls, return_counts=True)
    px = np.linspace(0, 1, 1000)
    ap, p, r = np.zeros((len(classes), tp.shape[1])), np.zeros((len(classes), 1000)), np.zeros((len(classes), 1000))
    for ci, c in enumerate(classes):
        i = pred_cls == c
        if i.sum() == 0:
            continue
        fpc, tpc = (1 - tp[i]).cumsum(0), tp[i].cumsum(0)
        recall = tpc / (nt[ci] + eps)
        precision = tpc / (tpc + fpc)
        r[ci] = np.interp(-px, -conf[i], recall[:, 0], left=0)
        p[ci] = np.interp(-px, -conf[i], precision[:, 0], left=1)
        for j in range(tp.shape[1]):
            mrec = np.concatenate(([0.0], recall[:, j], [1.0]))
            mpre = np.flip(np.maximum.accumulate(np.flip(np.concatenate(([1.0], precision[:, j], [0.0])))))
            x = np.linspace(0, 1, 101)
            ap[ci, j] = np.trapz(np.interp(x, mrec, mpre), x)
    f1 = 2 * p * r / (p + r + eps)
    y = f1.mean(0)
    nf = round(len(y) * 0.1 * 2) // 2 + 1
    yp = np.concatenate((np.ones(nf // 2) * y[0], y, np.ones(nf // 2) * y[-1]))
    best = np.convolve(yp, np.ones(nf) / nf, mode="valid").argmax()
    return p[:, best], r[:, best], ap, classes


def val_py_matches(gt, dets):
    """val.py's process_batch: per image, pairs of IoU >= t and same class, best IoU first, one-to-one."""
    iouv = torch.linspace(0.5, 0.95, 10)
    by_img = {}
    for a in gt["annotations"]:
        by_img.setdefault(a["image_id"], ([], []))[0].append(a)
    for d in dets:
        by_img.setdefault(d["image_id"], ([], []))[1].append(d)
    tp, conf, pcls = [], [], []
    xyxy = lambda b: [b[0], b[1], b[0] + b[2], b[1] + b[3]]
    for img, (gts, ds) in sorted(by_img.items()):
        correct = np.zeros((len(ds), 10), dtype=bool)
        if gts and ds:
            iou = torchvision.ops.box_iou(torch.tensor([xyxy(a["bbox"]) for a in gts], dtype=torch.float32),
                                          torch.tensor([xyxy(d["bbox"]) for d in ds], dtype=torch.float32))
            same = torch.tensor([a["category_id"] for a in gts])[:, None] == torch.tensor([d["category_id"] for d in ds])
            for t in range(10):
                x = torch.where((iou >= iouv[t]) & same)
                if x[0].shape[0]:
                    m = torch.cat((torch.stack(x, 1), iou[x[0], x[1]][:, None]), 1).numpy()
                    m = m[m[:, 2].argsort()[::-1]]
                    m = m[np.unique(m[:, 1], return_index=True)[1]]
                    m = m[np.unique(m[:, 0], return_index=True)[1]]
                    correct[m[:, 1].astype(int), t] = True
        tp.append(correct)
        conf += [d["score"] for d in ds]
        pcls += [d["category_id"] for d in ds]
    return np.concatenate(tp), np.array(conf), np.array(pcls)


def check_metrics(pythonapi, work):
    COCO, COCOeval, notes = load_pycocotools(pythonapi)
    for n in notes:
        print("note: " + n)
    with open(os.path.join(work, "gt.json")) as f:
        gt_doc = json.load(f)
    with open(os.path.join(work, "dets.json")) as f:
        dets = json.load(f)
    with open(os.path.join(work, "topiary-metrics.json")) as f:
        mine = json.load(f)
    quiet = open(os.devnull, "w")
    stdout, sys.stdout = sys.stdout, quiet
    try:
        gt = COCO(os.path.join(work, "gt.json"))
        ev = COCOeval(gt, gt.loadRes(dets), "bbox")
        ev.evaluate()
        ev.accumulate()
    finally:
        sys.stdout = stdout
    prec = ev.eval["precision"][:, :, :, 0, -1]  # T x R x K, area 'all', maxDets 100
    coco50, coco = np.mean(prec[0][prec[0] > -1]), np.mean(prec[prec > -1])
    print("== mAP: pycocotools COCOeval (bbox, area all, maxDets %d) on the same %d images, %d boxes, %d predictions"
          % (ev.params.maxDets[-1], len(gt_doc["images"]), len(gt_doc["annotations"]), len(dets)))
    print("mAP@0.5       topiary %.10f  cocoeval %.10f  |diff| %.3g" % (mine["map50"], coco50, abs(mine["map50"] - coco50)))
    print("mAP@0.5:0.95  topiary %.10f  cocoeval %.10f  |diff| %.3g" % (mine["map"], coco, abs(mine["map"] - coco)))
    d50 = dap = dpr = 0.0
    absent_ok = True
    for k, c in enumerate(mine["classes"]):
        if prec[0, 0, k] <= -1:
            absent_ok &= c["ap50"] is None
            print("class %d: no ground truth; cocoeval -1, topiary %s (left out of both means)" % (k, "absent" if c["ap50"] is None else c["ap50"]))
            continue
        d50 = max(d50, abs(c["ap50"] - prec[0, :, k].mean()))
        dap = max(dap, abs(c["ap"] - prec[:, :, k].mean()))
        dpr = max(dpr, float(np.abs(np.array(c["pr50"]) - prec[0, :, k]).max()))
    print("per-class AP@0.5 max |diff| %.3g, AP@0.5:0.95 max |diff| %.3g, PR curve at 0.5 (101 points, float) max |diff| %.3g"
          % (d50, dap, dpr))

    # YOLOv5's P, R and AP on COCOeval's own matches (area all, maxDets 100)
    E = [e for e in ev.evalImgs if e is not None and e["aRng"] == ev.params.areaRng[0]]
    tp = np.concatenate([e["dtMatches"].T > 0 for e in E])
    conf = np.concatenate([np.array(e["dtScores"]) for e in E])
    pcls = np.concatenate([np.full(len(e["dtScores"]), e["category_id"]) for e in E])
    tcls = np.array([a["category_id"] for a in gt_doc["annotations"]])
    p, r, ap, _ = ap_per_class_yolov5(tp, conf, pcls, tcls)
    print("== YOLOv5's ap_per_class on COCOeval's matches")
    print("P  topiary %.6f  ap_per_class %.6f  |diff| %.3g;  R  topiary %.6f  ap_per_class %.6f  |diff| %.3g"
          % (mine["precision"], p.mean(), abs(mine["precision"] - p.mean()), mine["recall"], r.mean(), abs(mine["recall"] - r.mean())))
    print("its AP (trapezoid over 101 points, sentinels at recall 0 and 1): mAP@0.5 %.6f (COCO %+.4f), mAP@0.5:0.95 %.6f (COCO %+.4f)"
          % (ap[:, 0].mean(), ap[:, 0].mean() - coco50, ap.mean(), ap.mean() - coco))
    tp, conf, pcls = val_py_matches(gt_doc, dets)
    _, _, ap, _ = ap_per_class_yolov5(tp, conf, pcls, tcls)
    print("with val.py's matcher too (best IoU pairs, no per-class maxDets): mAP@0.5 %.6f (COCO %+.4f), mAP@0.5:0.95 %.6f (COCO %+.4f)"
          % (ap[:, 0].mean(), ap[:, 0].mean() - coco50, ap.mean(), ap.mean() - coco))
    return max(abs(mine["map50"] - coco50), abs(mine["map"] - coco), d50, dap), absent_ok


def main():
    pythonapi, work = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    with open(os.path.join(work, "heads.json")) as f:
        nms = check_nms(json.load(f))
    worst, absent_ok = check_metrics(pythonapi, work)
    print("== largest differences: NMS kept sets differing in %d images (and %d beyond ties at the maxDet cut); "
          "mAP / per-class AP max |diff| %.3g; absent class left out: %s" % (nms["sets"], nms["cut"], worst, absent_ok))


if __name__ == "__main__":
    main()
