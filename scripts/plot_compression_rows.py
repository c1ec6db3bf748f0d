#!/usr/bin/python3
"""Spectral error ||S_A - S^_A||_2 of the compression network against the number of training
rows, with and without the exact D4 augmentation, from the JSON results of
benchmarks/compression_accuracy.py (benchmarks/results/compression_accuracy*.json; each
file: one dataset size, one schedule, one augmentation), next to the paper's values (dashed).
Markers: the test coefficient of seed 2024 (the paper reports one); a vertical bar: min..max
over the test coefficients of --test_seeds runs; a star: the same model averaged over the 8
symmetries at evaluation time (--group_average).
Needs Debian's python3-matplotlib (run with /usr/bin/python3).

usage: /usr/bin/python3 scripts/plot_compression_rows.py [docs/img/compression_rows.png]
"""
import glob
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dst = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docs", "img", "compression_rows.png")
runs = []
for path in sorted(glob.glob(os.path.join(ROOT, "benchmarks", "results", "compression_accuracy*.json"))):
    r = json.load(open(path))
    if "train_rows" not in r:  # older results: 1024 patches per coefficient, 80 % of the samples train
        r["train_rows"] = len(r["families"]) * int(0.8 * r["samples_per_family"]) * r["coarse_n"] ** 2
    runs.append({"rows": r["train_rows"], "epochs": r["epochs"], "augment": r.get("augment", "none"),
                 "errors": {e["experiment"]: e["spectral_norm_error"] for e in r["experiments"]},
                 "spread": {e["experiment"]: (e["seeds"]["spectral_norm_error"]["min"],
                                              e["seeds"]["spectral_norm_error"]["max"])
                            for e in r["experiments"] if "seeds" in e},
                 "averaged": {e["experiment"]: e["group_average"]["spectral_norm_error"]
                              for e in r["experiments"] if "group_average" in e},
                 "paper": {e["experiment"]: e["paper_spectral_norm_error"] for e in r["experiments"]}})
fig, axes = plt.subplots(1, 3, figsize=(13, 4))
for ax, name in zip(axes, ("ms", "smooth", "cracks")):
    for augment, marker in (("none", "o"), ("d4", "s")):
        for epochs, style in zip(sorted({r["epochs"] for r in runs}), (":", "-", "--", "-.", (0, (1, 4)))):
            chosen = sorted((r for r in runs if r["augment"] == augment and r["epochs"] == epochs),
                            key=lambda r: r["rows"])
            if chosen:
                line, = ax.plot([r["rows"] for r in chosen], [r["errors"][name] for r in chosen], linestyle=style,
                                marker=marker, label=f"{'D4' if augment == 'd4' else 'no'} augmentation, {epochs} epochs")
                for r in chosen:  # min..max over several test coefficients, where measured
                    if name in r["spread"]:
                        ax.vlines(r["rows"], *r["spread"][name], color=line.get_color(), lw=2, alpha=0.5)
    for r in runs:  # the same model averaged over the 8 symmetries (compress-eval -group_average)
        if name in r["averaged"]:
            ax.plot([r["rows"]], [r["averaged"][name]], "k*", ms=9,
                    label=f"{r['epochs']} epochs, averaged over D4 (8 passes)")
    ax.axhline(runs[0]["paper"][name], color="gray", ls="--", lw=0.8, label="paper (5.1 M rows, GPU)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training rows")
    ax.set_title(f"{name}: ||S_A - S^_A||_2")
axes[0].legend(fontsize=7)
fig.tight_layout()
os.makedirs(os.path.dirname(dst), exist_ok=True)
fig.savefig(dst, dpi=110)
print(f"wrote {dst}")
