#!/usr/bin/env python3
"""Compares HRank's ranks and time (run_hrank.py) with Topiary's (topiary engine bench-hrank).

Usage: python3 bench/hrank/compare.py BENCH [hrank.json]
For every layer HRank hooked: the Topiary node measured there, whether Topiary scores that node
(its capture point of a conv), the channels whose summed rank over all images is equal on both
sides, and the largest difference of the mean rank. Where HRank's node is not a capture point
(ResNet relu2 after the Add, VGG max pools), Topiary ranks the same node only for this check; the
line after the table compares HRank's ranks there with Topiary's capture point of the same conv.
"""
import json
import os
import sys

import numpy as np


def main():
    bench = sys.argv[1]
    hrank = json.load(open(os.path.join(bench, sys.argv[2] if len(sys.argv) > 2 else "hrank.json")))
    topiary = json.load(open(os.path.join(bench, "topiary.json")))
    images = topiary["images"]
    assert images == hrank["images"], (images, hrank["images"])
    captured = set(topiary["capture_points"].values())
    print("| HRank file | node | Topiary capture point | channels | equal rank sums | max abs diff of mean rank |")
    print("|---|---|---|---|---|---|")
    totals = {True: [0, 0, 0.0], False: [0, 0, 0.0]}
    for name, r in hrank["ranks"].items():
        node = r["node"]
        if node not in topiary["ranks"]:
            print("| %s | %s | - | %d | not ranked by Topiary (give it to bench-hrank --also) | |" % (name, node, len(r["ranks"])))
            continue
        h = np.array(r["ranks"], dtype=np.float64)
        t = np.array(topiary["ranks"][node], dtype=np.float64)
        equal = int(np.sum(np.rint(h * images) == np.rint(t * images)))
        diff = float(np.max(np.abs(h - t)))
        tot = totals[node in captured]
        tot[0] += equal
        tot[1] += len(h)
        tot[2] = max(tot[2], diff)
        print("| %s | %s | %s | %d | %d (%.2f%%) | %.4g |" % (name, node, "yes" if node in captured else "no",
                                                           len(h), equal, 100.0 * equal / len(h), diff))
    print()
    for cap, (equal, n, diff) in totals.items():
        if n:
            print("%s: %d of %d channels equal (%.3f%%), max abs diff %.4g" % (
                "at Topiary's capture points" if cap else "at HRank's other nodes", equal, n, 100.0 * equal / n, diff))
    # where HRank measures after the Add + ReLU (ResNet relu2), Topiary scores the block's bn2
    gaps = []
    for r in hrank["ranks"].values():
        if r["node"].endswith(".relu2") and r["node"][:-len("relu2")] + "bn2" in topiary["ranks"]:
            bn2 = r["node"][:-len("relu2")] + "bn2"
            gaps.append(np.abs(np.array(r["ranks"]) - np.array(topiary["ranks"][bn2])))
    if gaps:
        g = np.concatenate(gaps)
        print("HRank's relu2 (after the Add) vs Topiary's bn2 of the same block: mean abs diff %.3f, max %.3f over %d channels"
              % (g.mean(), g.max(), len(g)))
    print("time: HRank %.2f s, Topiary median %.3f s (best %.3f s): HRank / Topiary = %.1fx (best %.1fx)" % (
        hrank["seconds"], topiary["median_s"], topiary["best_s"], hrank["seconds"] / topiary["median_s"],
        hrank["seconds"] / topiary["best_s"]))
    if "cpu_seconds" in hrank and "median_cpu_s" in topiary:
        print("CPU time: HRank %.2f s, Topiary median %.3f s: HRank / Topiary = %.1fx" % (
            hrank["cpu_seconds"], topiary["median_cpu_s"], hrank["cpu_seconds"] / topiary["median_cpu_s"]))


if __name__ == "__main__":
    main()
